/**
 * Dependencies handed in as a typed object: `type Deps = { sendMessageToSqs: (...) => Promise<...> }`,
 * `export const runtimeDependencies: Deps = { sendMessageToSqs }`, and a handler that calls
 * `dependencies.sendMessageToSqs(...)` (ports passed as an object, the handler bound to the production
 * object with `.bind(null, runtimeDependencies)`). The call's callee is a property of the type; what
 * runs is the function the workspace's objects of that type hold under that name. Only production
 * objects are seen (tests and their mock objects are out of the analysis's scope). A factory declared to return
 * the type (`getProducer = (): Producer => ({ enqueue: ... })`) gives its returned object literals too.
 */
import { Node, SyntaxKind, type SourceFile } from 'ts-morph';
import type { Analysis } from './analysis';
import { awaitedTypeNode, declarationOf } from './syntax';

/** The type alias or interface a property signature belongs to, when it names an object type. */
export function objectTypeOf(member: Node): Node | undefined {
  const owner = member.getParent();
  if (owner && Node.isInterfaceDeclaration(owner)) return owner;
  const alias = owner && Node.isTypeLiteral(owner) ? owner.getParent() : undefined;
  return alias && Node.isTypeAliasDeclaration(alias) ? alias : undefined;
}

/**
 * The values the workspace's object literals typed as `type` (`const x: T = { ... }`,
 * `{ ... } satisfies T`) give to property `name`: the expressions a call of that property runs.
 */
export function valuesOfTypedObjects(type: Node, name: string, dependent: SourceFile, analysis: Analysis): Node[] {
  const objects = analysis.index<Node>('typed-objects', /\bsatisfies\b|:\s*[\w$.]+(?:<[^=;{}()]*>)?\s*=\s*\{|\)\s*:\s*(Promise<\s*)?[\w$.]+\s*>?\s*(=>|\{)/, contribute, {
    nameOf: (key) => (Node.isTypeAliasDeclaration(key as Node) || Node.isInterfaceDeclaration(key as Node) ? (key as { getName(): string }).getName() : undefined),
  }).get(type, dependent);
  const out: Node[] = [];
  for (const obj of objects) {
    if (!Node.isObjectLiteralExpression(obj)) continue;
    const p = obj.getProperty(name);
    if (p && Node.isPropertyAssignment(p)) out.push(p.getInitializerOrThrow());
    else if (p && Node.isShorthandPropertyAssignment(p)) out.push(p.getNameNode());
    else if (p && Node.isMethodDeclaration(p)) out.push(p);
  }
  return out;
}

/** Each object literal of a file given a workspace object type by an annotation or `satisfies`, keyed by that type. */
function contribute(sf: SourceFile): [object, Node][] {
  const out: [object, Node][] = [];
  const add = (typeNode: Node | undefined, value: Node | undefined) => {
    if (!typeNode || !value || !Node.isTypeReference(typeNode)) return;
    let v = value;
    while (Node.isParenthesizedExpression(v) || Node.isAsExpression(v)) v = v.getExpression();
    if (!Node.isObjectLiteralExpression(v)) return;
    const decl = declarationOf(typeNode.getTypeName());
    if (decl && (Node.isTypeAliasDeclaration(decl) || Node.isInterfaceDeclaration(decl)) && !decl.getSourceFile().isDeclarationFile()) out.push([decl, v]);
  };
  for (const d of sf.getDescendantsOfKind(SyntaxKind.VariableDeclaration)) add(d.getTypeNode(), d.getInitializer());
  for (const s of sf.getDescendantsOfKind(SyntaxKind.SatisfiesExpression)) add(s.getTypeNode(), s.getExpression());
  // A factory declared to return the type: `getProducer = (): Producer => ({ enqueue: async (d) => ... })`.
  for (const fn of [...sf.getDescendantsOfKind(SyntaxKind.ArrowFunction), ...sf.getDescendantsOfKind(SyntaxKind.FunctionDeclaration),
    ...sf.getDescendantsOfKind(SyntaxKind.FunctionExpression), ...sf.getDescendantsOfKind(SyntaxKind.MethodDeclaration)]) {
    const declared = awaitedTypeNode(fn.getReturnTypeNode());
    if (!declared) continue;
    const body = fn.getBody();
    if (body && !Node.isBlock(body)) add(declared, body);
    for (const ret of body && Node.isBlock(body) ? body.getDescendantsOfKind(SyntaxKind.ReturnStatement) : []) {
      if (ret.getFirstAncestor((a) => Node.isFunctionLikeDeclaration(a)) === fn) add(declared, ret.getExpression());
    }
  }
  return out;
}
