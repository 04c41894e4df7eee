/** Small syntax helpers used by the library recognizers. */
import { Node, SyntaxKind, type ObjectLiteralExpression } from 'ts-morph';
import { nodesOfKinds } from './walk';
import { queueConstructionName } from './libraries/queueObjects';

/**
 * Text of a string-ish expression; template substitutions and `+` operands that do not resolve
 * become `?`. Follows constants up to `follow` steps: consts, readonly and static fields, object
 * members and enum members (through the checker, across files), `SomeClass.name`, and, failing
 * those, a name whose declared type is one string literal.
 */
export function stringValue(node: Node | undefined, follow = 2): string | undefined {
  return evaluate(node, { follow, defaults: false, env: NO_ENV });
}

/**
 * stringValue, where a call the library builds text with (`pgp.helpers.insert(data, columns)`) stands
 * for the text `calls` gives it; other calls are unknown parts (`?`).
 */
export function textWithCalls(node: Node | undefined, calls: (call: Node) => string | undefined, follow = 3): string | undefined {
  return evaluate(node, { follow, defaults: false, env: NO_ENV, calls });
}

/**
 * A channel/topic name: a string, or `a | b` when it is one of two strings (a conditional, also
 * inside a workspace helper such as `queueName('orders')`). Constants are followed further than
 * by stringValue, helpers returning one expression are evaluated with their literal arguments,
 * and a configured value with a literal default (`process.env.TOPIC ?? 'orders'`,
 * `config.get('topic', 'orders')`) is that default. A queue object names the queue it was built for
 * (`updateUserQueue`, holding `new Queue('update-user')`: libraries/queueObjects.ts).
 */
export function channelName(node: Node | undefined): string | undefined {
  return evaluate(node, { follow: CHANNEL_FOLLOW, defaults: true, env: NO_ENV, alternatives: true, queues: true });
}

const CHANNEL_FOLLOW = 5;
const NO_ENV: ReadonlyMap<Node, string> = new Map();

interface Evaluation {
  /** How many more constants or helper calls to follow. */
  follow: number;
  /** Take a configured value's literal default. */
  defaults: boolean;
  /** Values of the parameters of the helper being evaluated. */
  env: ReadonlyMap<Node, string>;
  /** A conditional may give `a | b` (not inside a template or concatenation). */
  alternatives?: boolean;
  /** Text of calls a library builds strings with (textWithCalls). */
  calls?: (call: Node) => string | undefined;
  /** A queue object's construction (`new Queue('orders')`) gives its name. */
  queues?: boolean;
}

function evaluate(node: Node | undefined, ev: Evaluation): string | undefined {
  if (!node) return undefined;
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  const part = { ...ev, alternatives: false };
  if (Node.isTemplateExpression(node)) {
    return node.getHead().getLiteralText() + node.getTemplateSpans()
      .map((s) => (evaluate(s.getExpression(), part) ?? '?') + s.getLiteral().getLiteralText()).join('');
  }
  if (Node.isTaggedTemplateExpression(node)) return evaluate(node.getTemplate(), ev);
  if (Node.isConditionalExpression(node) && ev.alternatives) {
    const a = evaluate(node.getWhenTrue(), ev);
    const b = evaluate(node.getWhenFalse(), ev);
    return a && b ? (a === b ? a : `${a} | ${b}`) : a ?? b;
  }
  if (Node.isBinaryExpression(node)) {
    const op = node.getOperatorToken().getKind();
    if (op === SyntaxKind.PlusToken) {
      const l = evaluate(node.getLeft(), part) ?? '?';
      const r = evaluate(node.getRight(), part) ?? '?';
      return l + r;
    }
    // `process.env.TOPIC ?? 'orders'`: the configured value when the code says it, else the default.
    if (ev.defaults && (op === SyntaxKind.QuestionQuestionToken || op === SyntaxKind.BarBarToken)) {
      return evaluate(node.getLeft(), ev) ?? evaluate(node.getRight(), ev);
    }
    return undefined;
  }
  if (ev.queues && Node.isNewExpression(node)) {
    const name = queueConstructionName(node);
    return name ? evaluate(name, { ...part, queues: false }) : undefined;
  }
  if (Node.isCallExpression(node)) return ev.calls?.(node) ?? (ev.defaults ? configDefault(node, ev) ?? helperValue(node, ev) : undefined);
  if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node) || Node.isElementAccessExpression(node)) {
    if (ev.env.size && Node.isIdentifier(node)) {
      const decl = declarationOf(node);
      if (decl && ev.env.has(decl)) return ev.env.get(decl);
    }
    if (ev.follow <= 0) return undefined;
    const init = Node.isElementAccessExpression(node) ? undefined : initializerOf(node) ?? assignedFieldValue(node);
    const value = init ? evaluate(init, { ...ev, follow: ev.follow - 1, env: NO_ENV }) : undefined;
    return value ?? constantValue(node);
  }
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node) || Node.isNonNullExpression(node)) {
    return evaluate(node.getExpression(), ev);
  }
  return undefined;
}

/** `config.get('kafka.topic', 'orders')`: the literal default a config read falls back to. */
function configDefault(call: Node, ev: Evaluation): string | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'get') return undefined;
  const args = call.getArguments();
  return args.length === 2 && stringValue(args[0]) !== undefined ? evaluate(args[1], ev) : undefined;
}

/**
 * A workspace helper that returns one expression (`const queueName = (n: string) => prefix + n`,
 * or a function whose body is one `return`), evaluated with its arguments' values; undefined
 * when an argument or the body does not resolve.
 */
function helperValue(call: Node, ev: Evaluation): string | undefined {
  if (!Node.isCallExpression(call) || ev.follow <= 0) return undefined;
  let fn = declarationOf(call.getExpression());
  if (fn && Node.isVariableDeclaration(fn)) fn = fn.getInitializer();
  if (!fn || fn.getSourceFile().isDeclarationFile()) return undefined;
  if (!(Node.isArrowFunction(fn) || Node.isFunctionDeclaration(fn) || Node.isFunctionExpression(fn) || Node.isMethodDeclaration(fn))) return undefined;
  const body = fn.getBody();
  let result: Node | undefined;
  if (body && Node.isBlock(body)) {
    const statements = body.getStatements();
    result = statements.length === 1 && Node.isReturnStatement(statements[0]) ? statements[0].getExpression() : undefined;
  } else result = body;
  if (!result) return undefined;
  const env = new Map<Node, string>();
  const params = fn.getParameters();
  const args = call.getArguments();
  for (let i = 0; i < params.length; i++) {
    const value = args[i] ? evaluate(args[i], { ...ev, alternatives: false }) : undefined;
    if (value === undefined) continue;
    env.set(params[i], value);
  }
  return evaluate(result, { ...ev, follow: ev.follow - 1, env });
}

/**
 * A name's constant value through the checker: an enum member's value, `SomeClass.name` (the class's
 * own name, unless it declares a static `name`), else the name's type when it is one string literal.
 */
function constantValue(node: Node): string | undefined {
  try {
    if (Node.isPropertyAccessExpression(node) && node.getName() === 'name') {
      const cls = declarationOf(node.getExpression());
      if (cls && Node.isClassDeclaration(cls) && cls.getName() && !cls.getStaticMember('name')) return cls.getName();
    }
    const decl = declarationOf(Node.isPropertyAccessExpression(node) ? node.getNameNode() : node);
    if (decl && Node.isEnumMember(decl)) {
      const v = decl.getValue();
      return typeof v === 'string' ? v : undefined;
    }
    const type = node.getType();
    if (type.isStringLiteral()) return String(type.getLiteralValue());
  } catch {
    return undefined;
  }
  return undefined;
}

/** The initializer of the variable/property an identifier refers to, if it has one. */
export function initializerOf(node: Node): Node | undefined {
  try {
    const parent = node.getParent();
    // `{ database }`: the value is the variable of that name, not the property being declared.
    let symbol = Node.isPropertyAccessExpression(node) ? node.getNameNode().getSymbol()
      : parent && Node.isShorthandPropertyAssignment(parent) && parent.getNameNode() === node ? parent.getValueSymbol() : node.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    const decl = symbol?.getDeclarations()[0];
    if (!decl || decl.getSourceFile().isDeclarationFile()) return undefined;
    if (Node.isVariableDeclaration(decl) || Node.isPropertyAssignment(decl) || Node.isPropertyDeclaration(decl)) {
      return decl.getInitializer();
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/**
 * The value a declaration holds: its initializer, or for a class field without one the single
 * expression the class assigns to it (`this.queueName = name` in the constructor).
 */
export function valueOfDeclaration(decl: Node): Node | undefined {
  if (Node.isVariableDeclaration(decl) || Node.isPropertyAssignment(decl)) return decl.getInitializer();
  if (Node.isPropertyDeclaration(decl)) return decl.getInitializer() ?? soleAssignment(decl);
  return undefined;
}

/** The single value assigned to the class field a `this.x` names, when it has no initializer. */
export function assignedFieldValue(node: Node): Node | undefined {
  if (!Node.isPropertyAccessExpression(node) || !Node.isThisExpression(node.getExpression())) return undefined;
  const decl = declarationOf(node.getNameNode());
  return decl && Node.isPropertyDeclaration(decl) && !decl.getInitializer() ? soleAssignment(decl) : undefined;
}

/** The one expression a class assigns to its field (`this.name = <expr>`); undefined when none or several. */
function soleAssignment(decl: Node): Node | undefined {
  const cls = decl.getParent();
  if (!cls || !(Node.isClassDeclaration(cls) || Node.isClassExpression(cls)) || !Node.isPropertyDeclaration(decl)) return undefined;
  const name = decl.getName();
  const found: Node[] = [];
  for (const bin of cls.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    const left = bin.getLeft();
    if (bin.getOperatorToken().getKind() !== SyntaxKind.EqualsToken || !Node.isPropertyAccessExpression(left)) continue;
    if (!Node.isThisExpression(left.getExpression()) || left.getName() !== name) continue;
    found.push(bin.getRight());
    if (found.length > 1) return undefined;
  }
  return found[0];
}

/** An object literal given directly or through a const identifier. */
export function objectLiteral(node: Node | undefined): ObjectLiteralExpression | undefined {
  if (!node) return undefined;
  if (Node.isObjectLiteralExpression(node)) return node;
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node)) {
    return objectLiteral(node.getExpression());
  }
  if (Node.isIdentifier(node)) {
    const init = initializerOf(node);
    return init && Node.isObjectLiteralExpression(init) ? init : undefined;
  }
  return undefined;
}

/**
 * The value node of a property of an object literal: a shorthand gives the
 * name node, a method (`async eachMessage({ message }) { ... }`) the method itself.
 */
export function prop(obj: Node | undefined, name: string): Node | undefined {
  const lit = objectLiteral(obj);
  if (!lit) return undefined;
  for (const p of lit.getProperties()) {
    if (Node.isPropertyAssignment(p) && propName(p.getNameNode()) === name) return p.getInitializer();
    if (Node.isShorthandPropertyAssignment(p) && p.getName() === name) return p.getNameNode();
    if (Node.isMethodDeclaration(p) && propName(p.getNameNode()) === name) return p;
  }
  return undefined;
}

/** Where a finding about an option value points: the key of `key: value`, a method's name, else the value. */
export function optionKeyNode(value: Node): Node {
  if (Node.isMethodDeclaration(value)) return value.getNameNode();
  const parent = value.getParent();
  return parent && Node.isPropertyAssignment(parent) && parent.getInitializer() === value ? parent.getNameNode() : value;
}

export function propName(nameNode: Node): string {
  if (Node.isStringLiteral(nameNode) || Node.isNoSubstitutionTemplateLiteral(nameNode)) return nameNode.getLiteralValue();
  if (Node.isComputedPropertyName(nameNode)) return stringValue(nameNode.getExpression()) ?? nameNode.getText();
  return nameNode.getText();
}

/** True when the object literal (or one it spreads) has no spread of unknown content. */
export function isClosedObject(obj: ObjectLiteralExpression): boolean {
  return obj.getProperties().every((p) => !Node.isSpreadAssignment(p));
}

/**
 * Keys that carry a correlation, causation or trace id. `correlation`/`causation` may stand anywhere in
 * the key (`msgCorrelationId`); a request, trace or conversation id must be the whole key, perhaps
 * `x-`-prefixed (`requestId`, `x-b3-traceid`), so a business reference such as `return_request_id`
 * (the id of a return request) is not taken for one.
 */
export const CORRELATION_KEY = /correlation|causation|traceparent|^(x[-_])?(b3[-_]|amzn[-_]|uber[-_]|cloud[-_])?trace[-_]?id$|^(x[-_])?request[-_]?(unique[-_]?)?id$|^(x[-_])?conversation[-_]?id$/i;

/** Property nodes anywhere inside `node` whose key looks like a correlation/causation/trace id. */
export function correlationProps(node: Node | undefined): Node[] {
  if (!node) return [];
  const found: Node[] = [];
  for (const n of nodesOfKinds(node, CORRELATION_CARRIER_KINDS)) {
    if (Node.isPropertyAssignment(n) && CORRELATION_KEY.test(propName(n.getNameNode()))) found.push(n.getInitializerOrThrow());
    if (Node.isShorthandPropertyAssignment(n) && CORRELATION_KEY.test(n.getName())) found.push(n.getNameNode());
    if (Node.isCallExpression(n)) {
      // headers.set('x-correlation-id', v) / setHeader(...)
      const args = n.getArguments();
      const key = stringValue(args[0]);
      if (key && CORRELATION_KEY.test(key) && args[1]) found.push(args[1]);
    }
  }
  return found;
}

const CORRELATION_CARRIER_KINDS: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.PropertyAssignment, SyntaxKind.ShorthandPropertyAssignment, SyntaxKind.CallExpression,
]);

/** The n-th argument of a call or new expression. */
export function arg(node: Node, index: number): Node | undefined {
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) return node.getArguments()[index];
  return undefined;
}

/** The name node of the method being called (`send` in `producer.send(...)`), or the call itself. */
export function calleeName(node: Node): Node {
  if (Node.isCallExpression(node) || Node.isNewExpression(node)) {
    const callee = node.getExpression();
    if (Node.isPropertyAccessExpression(callee)) return callee.getNameNode();
    return callee;
  }
  if (Node.isTaggedTemplateExpression(node)) {
    const tag = node.getTag();
    return Node.isPropertyAccessExpression(tag) ? tag.getNameNode() : tag;
  }
  return node;
}

/** The receiver expression of a method call (`producer` in `producer.send(...)`). */
/** The calls chained after this one, in order: `insert(...).onConflict('id').ignore()` gives onConflict, then ignore. */
export function chainedCalls(call: Node, max = 8): { name: string; args: Node[] }[] {
  const out: { name: string; args: Node[] }[] = [];
  let node: Node = call;
  for (let i = 0; i < max; i++) {
    const access = node.getParent();
    const next = access?.getParent();
    if (!access || !Node.isPropertyAccessExpression(access) || !next || !Node.isCallExpression(next)) break;
    out.push({ name: access.getName(), args: next.getArguments() });
    node = next;
  }
  return out;
}

/** The calls chained after this one, as `name(args)` text: `insert(...).onConflict('id').ignore()`. */
export function chainedCallTexts(call: Node): string[] {
  return chainedCalls(call).map((c) => `${c.name}(${c.args.map((a) => a.getText()).join(',')})`);
}

/** The type a declared return type resolves to once awaited: `T` of `Promise<T>` or `Awaited<T>`, else the type itself. */
export function awaitedTypeNode(typeNode: Node | undefined): Node | undefined {
  let t = typeNode;
  while (t && Node.isTypeReference(t) && /^(Promise|Awaited)$/.test(t.getTypeName().getText())) t = t.getTypeArguments()[0];
  return t;
}

export function receiver(node: Node): Node | undefined {
  const callee = Node.isCallExpression(node) ? node.getExpression() : Node.isTaggedTemplateExpression(node) ? node.getTag() : undefined;
  return callee && Node.isPropertyAccessExpression(callee) ? callee.getExpression() : undefined;
}

/**
 * The expression a call's receiver was built by, through up to three initializers of the variables or fields
 * holding it (imports followed, and `await`s): the first one `accept` takes (`client.createSender('orders')`, `new
 * MessageSender(config)`, `await broker.subscribe('orders')`).
 */
export function builtBy(call: Node, accept: (n: Node) => boolean): Node | undefined {
  let recv = receiver(call);
  for (let i = 0; i < 3 && recv; i++) {
    while (recv && (Node.isAwaitExpression(recv) || Node.isParenthesizedExpression(recv))) recv = recv.getExpression();
    if (!recv) return undefined;
    if (accept(recv)) return recv;
    let decl: Node | undefined;
    try {
      let symbol = (Node.isPropertyAccessExpression(recv) ? recv.getNameNode() : recv).getSymbol();
      // An imported binding (`import { emitter } from './emitter'`) is its exported declaration.
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
      decl = symbol?.getDeclarations()[0];
    } catch {
      decl = undefined;
    }
    recv = decl && (Node.isVariableDeclaration(decl) || Node.isPropertyDeclaration(decl)) ? decl.getInitializer() : undefined;
  }
  return undefined;
}

/** Parameter names of a function-like node, with destructured names flattened. */
export function parameterNames(fn: Node | undefined): string[] {
  if (!fn) return [];
  const params = (fn as unknown as { getParameters?(): Node[] }).getParameters?.() ?? [];
  const names: string[] = [];
  for (const p of params) {
    const nameNode = (p as unknown as { getNameNode(): Node }).getNameNode();
    if (Node.isIdentifier(nameNode)) names.push(nameNode.getText());
    else nameNode.getDescendantsOfKind(SyntaxKind.Identifier).forEach((id) => names.push(id.getText()));
  }
  return names;
}

export function shortText(node: Node, max = 60): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > max ? text.slice(0, max - 1) + '…' : text;
}

/** The parameter declaration a bare name refers to, when it names one (`data` in `send(topic, data) { ... data ... }`). */
export function parameterOf(node: Node | undefined): Node | undefined {
  if (!node || !Node.isIdentifier(node)) return undefined;
  const decl = declarationOf(node);
  return decl && Node.isParameterDeclaration(decl) ? decl : undefined;
}

/** The first declaration of the symbol a name resolves to (through import aliases); undefined when it does not resolve. */
export function declarationOf(name: Node): Node | undefined {
  try {
    let symbol = name.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    return symbol?.getDeclarations()[0];
  } catch {
    return undefined;
  }
}
