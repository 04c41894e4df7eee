/**
 * A requeue of the message being handled: a publish inside a consumer's flow whose body is the
 * incoming message's own body (`message.value`, `msg.content`, `job.data`), sent again (to a retry
 * or dead-letter destination, or back to its own topic) possibly with retry headers added. It is
 * the same message, not a new hop: it carries whatever the incoming message carried.
 *
 * Decided by data flow from the handler's message parameter, never by destination names: the body
 * expression must be that parameter's body (through consts, serializers and conditionals), and a
 * body rebuilt from it (`{ ...JSON.parse(value), extra }`) counts only on a branch next to one that
 * sends it unchanged (a retry that may attach what the failure produced).
 */
import { Node, SyntaxKind, type CallExpression, type NewExpression, type VariableDeclaration } from 'ts-morph';
import { writesIn } from './assignments';
import type { Fact } from './facts';
import type { Analysis } from './analysis';
import { callSites, functionName } from './carriers';
import { variableOf } from './libraries/staticValues';
import { isFunctionLike } from './analysis';
import { propName } from './syntax';
import { NEST_MESSAGE_CONTEXTS } from './libraries/nestServer';

/** Members that hold a message's body. */
const BODY_MEMBER = /^(value|content|body|Body|data|payload|Message|MessageBody)$/;
/** Keys of an outgoing message object under which its body goes. */
const BODY_KEY = /^(value|content|body|Body|data|payload|Message|MessageBody)$/;
const MAX_DEPTH = 12;

type Derivation = 'same' | 'extended' | 'mixed' | undefined;

/** True when the publish re-sends the body of the message its enclosing handler received. */
export function isRequeue(fact: Fact, handlers: Map<Node, string[]>, analysis: Analysis): boolean {
  const sent = sendingCall(fact, handlers, analysis);
  if (!sent) return false;
  const { call, names } = sent;
  const bodies = call.getArguments().flatMap((a) => bodiesIn(a));
  return bodies.some((b) => {
    const d = derive(b, names, 0);
    return d === 'same' || d === 'mixed';
  });
}

/** A publish's call, and the names bound to the incoming message where it is made (none: not inside a handler's flow). */
function sendingCall(fact: Fact, handlers: Map<Node, string[]>, analysis: Analysis): { call: CallExpression | NewExpression; names: Set<string> } | undefined {
  if (fact.kind !== 'publish') return undefined;
  const call = fact.node.getFirstAncestor((a) => Node.isCallExpression(a) || Node.isNewExpression(a));
  if (!call || !(Node.isCallExpression(call) || Node.isNewExpression(call))) return undefined;
  const names = incomingNames(call, handlers, analysis, 0);
  return names.size ? { call, names } : undefined;
}

/** Members of an incoming job that carry its identity and settings, beside its body. */
const IDENTITY_MEMBER = /^(name|opts|options|key|headers|properties)$/;

/**
 * True when the publish adds the incoming job again, whole: its own body unchanged and its own
 * name or options (`queue.add(job.name, job.data, { ...job.opts, delay: 5000 })`, a job deferred
 * while its group is busy). Wherever it goes, it is the same job put back, not a new message.
 */
export function isSameJobAgain(fact: Fact, handlers: Map<Node, string[]>, analysis: Analysis): boolean {
  const sent = sendingCall(fact, handlers, analysis);
  if (!sent) return false;
  const { call, names } = sent;
  const args = call.getArguments();
  const sameBody = args.some((a) => derive(a, names, 0) === 'same');
  return sameBody && args.some((a) => carriesIdentity(a, names));
}

/** `job.name`, `job.opts`, or an options object spread from `job.opts`. */
function carriesIdentity(arg: Node, names: Set<string>): boolean {
  const member = (n: Node) => Node.isPropertyAccessExpression(n) && Node.isIdentifier(n.getExpression()) && names.has(n.getExpression().getText()) && IDENTITY_MEMBER.test(n.getName());
  if (member(arg)) return true;
  return Node.isObjectLiteralExpression(arg) && arg.getProperties().some((p) => Node.isSpreadAssignment(p) && member(p.getExpression()));
}

/** The body expressions of a publish's arguments: `{ messages: [{ value }] }`, `{ body }`, or a bare argument. */
function bodiesIn(arg: Node): Node[] {
  if (!Node.isObjectLiteralExpression(arg)) return [arg];
  const out: Node[] = [];
  for (const p of arg.getProperties()) {
    if (!Node.isPropertyAssignment(p) && !Node.isShorthandPropertyAssignment(p)) continue;
    const key = propName(p.getNameNode());
    const value = Node.isPropertyAssignment(p) ? p.getInitializer() : p.getNameNode();
    if (!value) continue;
    if (/^(messages|entries|Entries)$/.test(key) && Node.isArrayLiteralExpression(value)) {
      for (const e of value.getElements()) out.push(...(Node.isObjectLiteralExpression(e) ? bodiesIn(e) : [e]));
    } else if (BODY_KEY.test(key)) out.push(value);
  }
  return out;
}

/**
 * Names bound to the incoming message in the functions enclosing `at`: a handler's own message
 * parameters, and a parameter of a named function every call of which passes it an incoming
 * message (`onMessage(message, topic)` called from the handler).
 */
export function incomingNames(at: Node, handlers: Map<Node, string[]>, analysis: Analysis, depth: number): Set<string> {
  const names = new Set<string>();
  for (let fn = at.getFirstAncestor(isFunctionLike); fn; fn = fn.getFirstAncestor(isFunctionLike)) {
    for (const n of handlers.get(fn) ?? []) names.add(n);
    for (const n of contextMessageNames(fn)) names.add(n);
    if (depth >= 2) continue;
    const name = functionName(fn);
    const params = (fn as unknown as { getParameters?(): Node[] }).getParameters?.() ?? [];
    if (!name || !params.length) continue;
    const sites = callSites(fn, name, analysis);
    if (!sites.length) continue;
    params.forEach((p, i) => {
      const id = Node.isParameterDeclaration(p) ? p.getNameNode() : undefined;
      if (!id || !Node.isIdentifier(id)) return;
      const fromIncoming = sites.every((site) => {
        const a = site.getArguments()[i];
        return !!a && Node.isIdentifier(a) && incomingNames(site, handlers, analysis, depth + 1).has(a.getText());
      });
      if (fromIncoming) names.add(id.getText());
    });
  }
  return names;
}

/**
 * Variables a function binds to the raw message of a NestJS context it takes (`context: RmqContext`,
 * then `const originalMsg = context.getMessage() as Message`): the message being handled, whoever
 * passed the context down.
 */
function contextMessageNames(fn: Node): string[] {
  const params = ((fn as unknown as { getParameters?(): Node[] }).getParameters?.() ?? []).filter(Node.isParameterDeclaration);
  const contexts = new Set(params.filter((p) => nestContextType(p.getTypeNode())).map((p) => p.getName()));
  if (!contexts.size) return [];
  const out: string[] = [];
  for (const v of fn.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) {
    let init = v.getInitializer();
    while (init && (Node.isAsExpression(init) || Node.isParenthesizedExpression(init) || Node.isAwaitExpression(init))) init = init.getExpression();
    const callee = init && Node.isCallExpression(init) ? init.getExpression() : undefined;
    if (callee && Node.isPropertyAccessExpression(callee) && callee.getName() === 'getMessage' && contexts.has(callee.getExpression().getText())) out.push(v.getName());
  }
  return out;
}

/** A type annotation naming one of the NestJS message contexts (libraries/nestServer.ts) as imported from @nestjs/microservices. */
function nestContextType(typeNode: Node | undefined): boolean {
  if (!typeNode || !Node.isTypeReference(typeNode)) return false;
  const name = typeNode.getTypeName();
  if (!Node.isIdentifier(name) || !NEST_MESSAGE_CONTEXTS.has(name.getText())) return false;
  const decl = name.getSymbol()?.getDeclarations()[0];
  const from = decl?.getFirstAncestorByKind(SyntaxKind.ImportDeclaration)?.getModuleSpecifierValue();
  return from === '@nestjs/microservices';
}

/** How an expression derives from an incoming message's body. */
function derive(node: Node, names: Set<string>, depth: number): Derivation {
  if (depth > MAX_DEPTH) return undefined;
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isNonNullExpression(node) || Node.isAwaitExpression(node)) {
    return derive(node.getExpression(), names, depth);
  }
  if (Node.isIdentifier(node)) {
    if (names.has(node.getText())) return 'same';
    const variable = variableOf(node);
    const init = variable?.getInitializer() ?? (variable ? onlyAssignment(variable) : undefined);
    return init ? derive(init, names, depth + 1) : undefined;
  }
  if (Node.isPropertyAccessExpression(node)) {
    const root = node.getExpression();
    return Node.isIdentifier(root) && names.has(root.getText()) && BODY_MEMBER.test(node.getName()) ? 'same' : undefined;
  }
  if (Node.isConditionalExpression(node)) {
    const a = derive(node.getWhenTrue(), names, depth + 1);
    const b = derive(node.getWhenFalse(), names, depth + 1);
    if (!a || !b) return undefined;
    if (a === 'same' && b === 'same') return 'same';
    return a === 'extended' && b === 'extended' ? 'extended' : 'mixed';
  }
  if (Node.isCallExpression(node)) {
    const callee = node.getExpression();
    const text = callee.getText();
    const args = node.getArguments();
    // Serializing or parsing keeps the body: `value.toString()`, `JSON.parse(...)`, `Buffer.from(...)`.
    if (Node.isPropertyAccessExpression(callee) && /^(toString|toJSON)$/.test(callee.getName()) && !args.length) return derive(callee.getExpression(), names, depth + 1);
    if (/^(JSON\.parse|JSON\.stringify|Buffer\.from|String)$/.test(text) && args[0]) return derive(args[0], names, depth + 1);
    // The workspace's own codec: `serializeMessage(x)`, `parseMessage(msg.content)`, `decodePayload(x)`.
    const last = Node.isPropertyAccessExpression(callee) ? callee.getName() : text;
    if (args.length === 1 && CODEC.test(last)) return derive(args[0], names, depth + 1);
    return undefined;
  }
  if (Node.isObjectLiteralExpression(node)) {
    // `{ ...JSON.parse(value.toString()), extra }`: the body rebuilt with additions.
    const spreads = node.getProperties().filter((p) => Node.isSpreadAssignment(p));
    if (spreads.some((p) => Node.isSpreadAssignment(p) && derive(p.getExpression(), names, depth + 1))) return 'extended';
    // `{ args: payload.args, attempts: payload.attempts + 1 }`: rebuilt from its own fields and a retry counter only.
    const props = node.getProperties();
    return props.length && props.every((p) => Node.isPropertyAssignment(p) && ownField(p.getInitializerOrThrow(), names, depth + 1)) ? 'same' : undefined;
  }
  return undefined;
}

/** `let payload; ... payload = parseMessage(msg.content);`: the value of a `let` declared bare and assigned once. */
function onlyAssignment(variable: VariableDeclaration): Node | undefined {
  const fn = variable.getFirstAncestor(isFunctionLike);
  const writes = fn ? writesIn(fn, variable.getName()) : [];
  const assignment = writes.length === 1 ? writes[0].getParent() : undefined;
  return assignment && Node.isBinaryExpression(assignment) && assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken ? assignment.getRight() : undefined;
}

/** Names of a workspace's serializers and parsers: they keep the body they are given. */
const CODEC = /^(serialize|deserialize|parse|encode|decode|stringify)\w*$/i;

/** A field of the incoming body (`payload.args`, where `payload` is the parsed body), or a counter computed from one (`payload.attempts + 1`). */
function ownField(expr: Node, names: Set<string>, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (Node.isParenthesizedExpression(expr)) return ownField(expr.getExpression(), names, depth);
  if (Node.isBinaryExpression(expr) && /^[-+]$/.test(expr.getOperatorToken().getText())) {
    return ownField(expr.getLeft(), names, depth + 1) && Node.isNumericLiteral(expr.getRight());
  }
  if (!Node.isPropertyAccessExpression(expr)) return false;
  const root = expr.getExpression();
  return Node.isIdentifier(root) && !names.has(root.getText()) && derive(root, names, depth + 1) === 'same';
}
