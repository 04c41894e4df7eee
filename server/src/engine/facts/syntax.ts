/** Small syntax helpers used by the library recognizers. */
import { Node, SyntaxKind, type ObjectLiteralExpression } from 'ts-morph';
import { nodesOfKinds } from './walk';

/** Text of a string-ish expression; template substitutions become `?`. Follows const identifiers once. */
export function stringValue(node: Node | undefined, follow = 2): string | undefined {
  if (!node) return undefined;
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  if (Node.isTemplateExpression(node)) {
    return node.getHead().getLiteralText() + node.getTemplateSpans().map((s) => '?' + s.getLiteral().getLiteralText()).join('');
  }
  if (Node.isTaggedTemplateExpression(node)) return stringValue(node.getTemplate(), follow);
  if (Node.isBinaryExpression(node) && node.getOperatorToken().getKind() === SyntaxKind.PlusToken) {
    const l = stringValue(node.getLeft(), follow) ?? '?';
    const r = stringValue(node.getRight(), follow) ?? '?';
    return l + r;
  }
  if ((Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) && follow > 0) {
    const init = initializerOf(node);
    return init ? stringValue(init, follow - 1) : undefined;
  }
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node)) return stringValue(node.getExpression(), follow);
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

export const CORRELATION_KEY = /correlation|causation|trace[-_]?id|traceparent|request[-_]?(unique[-_]?)?id|conversation[-_]?id/i;

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

/** Names of `process.env.X` / `process.env['X']` / `config.get('X')` reads inside a node. */
export function envVarsIn(node: Node | undefined, follow = 2): string[] {
  if (!node) return [];
  const names = new Set<string>();
  for (const n of nodesOfKinds(node, ENV_READ_KINDS)) {
    if (Node.isPropertyAccessExpression(n) && n.getExpression().getText() === 'process.env') names.add(n.getName());
    if (Node.isElementAccessExpression(n) && n.getExpression().getText() === 'process.env') {
      const key = stringValue(n.getArgumentExpression());
      if (key) names.add(key);
    }
    if (Node.isCallExpression(n)) {
      const callee = n.getExpression();
      if (Node.isPropertyAccessExpression(callee) && /^(get|getOrThrow)$/.test(callee.getName())) {
        const key = stringValue(n.getArguments()[0]);
        if (key && /^[A-Z][A-Z0-9_]*$/.test(key)) names.add(key);
      }
    }
    if (Node.isIdentifier(n) && follow > 0 && !Node.isPropertyAccessExpression(n.getParent())) {
      const init = initializerOf(n);
      if (init && init !== node) for (const name of envVarsIn(init, follow - 1)) names.add(name);
    }
  }
  return [...names];
}

const ENV_READ_KINDS: ReadonlySet<SyntaxKind> = new Set([
  SyntaxKind.PropertyAccessExpression, SyntaxKind.ElementAccessExpression, SyntaxKind.CallExpression, SyntaxKind.Identifier,
]);

const URL_RE = /\b(postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|mssql|sqlserver):\/\/[^\s'"`]+/gi;

export function urlsIn(node: Node | undefined): string[] {
  if (!node) return [];
  const urls = new Set<string>();
  for (const n of nodesOfKinds(node, STRING_KINDS)) {
    if (Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n)) {
      for (const m of n.getLiteralValue().matchAll(URL_RE)) urls.add(m[0]);
    }
  }
  return [...urls];
}

const STRING_KINDS: ReadonlySet<SyntaxKind> = new Set([SyntaxKind.StringLiteral, SyntaxKind.NoSubstitutionTemplateLiteral]);

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
export function receiver(node: Node): Node | undefined {
  const callee = Node.isCallExpression(node) ? node.getExpression() : Node.isTaggedTemplateExpression(node) ? node.getTag() : undefined;
  return callee && Node.isPropertyAccessExpression(callee) ? callee.getExpression() : undefined;
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

/** A channel/topic name: a string, or `a | b` for a conditional between two strings. */
export function channelName(node: Node | undefined): string | undefined {
  if (node && Node.isConditionalExpression(node)) {
    const a = channelName(node.getWhenTrue());
    const b = channelName(node.getWhenFalse());
    return a && b ? `${a} | ${b}` : a ?? b;
  }
  return stringValue(node);
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
