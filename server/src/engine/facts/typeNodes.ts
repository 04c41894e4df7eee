/**
 * Library types named by type annotations (`consumer: Consumer`, `Promise<Queue>`,
 * `ReturnType<typeof kafka.consumer>`, `InstanceType<typeof Redlock>`, `typeof User`) and the members
 * of local interfaces, type aliases and type literals. Helpers of the type follower (typeFollower.ts).
 */
import { Node } from 'ts-morph';
import { declarationOf } from './syntax';
import { localAliasDeclaration, passedThrough } from './typeAliases';
import type { TypeFollower } from './typeFollower';

/** How deep the type follower goes (a safety net only: inProgress stops cycles); fluent chains such as `request().input(...)` ×10 `.query(...)` are deep. */
export const MAX_TYPE_DEPTH = 32;

/** The declared type of property `name` of a local interface, type alias or type literal. */
export function memberTypeNode(typeNode: Node, name: string): Node | undefined {
  let members: Node[] | undefined;
  if (Node.isTypeLiteral(typeNode)) members = typeNode.getMembers();
  else if (Node.isTypeReference(typeNode)) {
    const decl = declarationOf(typeNode.getTypeName());
    if (decl && Node.isInterfaceDeclaration(decl)) members = decl.getMembers();
    else if (decl && Node.isTypeAliasDeclaration(decl)) {
      const aliased = decl.getTypeNode();
      return aliased ? memberTypeNode(aliased, name) : undefined;
    }
  }
  for (const m of members ?? []) {
    if (Node.isPropertySignature(m) && m.getName() === name) return m.getTypeNode();
  }
  return undefined;
}

/** `typeof kafka.consumer` / `typeof createClient` inside `ReturnType<...>`: the library type the call returns. */
function returnTypeOfQuery(types: TypeFollower, name: Node, depth: number): string | undefined {
  if (Node.isQualifiedName(name)) return types.step(types.typeOf(name.getLeft(), depth), `${name.getRight().getText()}()`);
  return Node.isIdentifier(name) ? types.step(types.typeOf(name, depth), '()') : undefined;
}

/** The library type a type annotation names: `Producer`, `Promise<Queue>`, `ReturnType<typeof kafka.consumer>`, `typeof User`. */
export function typeFromTypeNode(types: TypeFollower, typeNode: Node, depth: number): string | undefined {
  // `typeof User`: the class itself (an injected sequelize/mongoose model).
  if (Node.isTypeQuery(typeNode)) return types.typeOf(typeNode.getExprName(), depth);
  if (Node.isTypeReference(typeNode)) {
    const nameNode = typeNode.getTypeName();
    const name = nameNode.getText();
    if (name === 'Promise' || name === 'Awaited') {
      const arg = typeNode.getTypeArguments()[0];
      return arg ? typeFromTypeNode(types, arg, depth) : undefined;
    }
    // `let consumer: ReturnType<typeof kafka.consumer>`: what calling the queried function gives.
    if (name === 'ReturnType') {
      const arg = typeNode.getTypeArguments()[0];
      return arg && Node.isTypeQuery(arg) ? returnTypeOfQuery(types, arg.getExprName(), depth) : undefined;
    }
    // `private redlock: InstanceType<typeof redlockModule.default>`: an instance of the queried class.
    if (name === 'InstanceType') {
      const arg = typeNode.getTypeArguments()[0];
      return arg && Node.isTypeQuery(arg) ? types.step(types.typeOf(arg.getExprName(), depth), 'instance') : undefined;
    }
    const passed = passedThrough(typeNode);
    if (passed) return depth < MAX_TYPE_DEPTH ? typeFromTypeNode(types, passed, depth + 1) : undefined;
    let t: string | undefined;
    const alias = Node.isIdentifier(nameNode) ? localAliasDeclaration(nameNode)?.getTypeNode() : undefined;
    if (alias) return depth < MAX_TYPE_DEPTH ? typeFromTypeNode(types, alias, depth + 1) : undefined;
    if (Node.isIdentifier(nameNode)) t = types.typeOf(nameNode, depth);
    else if (Node.isQualifiedName(nameNode)) {
      const left = types.typeOf(nameNode.getLeft(), depth);
      t = types.step(left, `.${nameNode.getRight().getText()}`);
    }
    return types.step(t, 'instance');
  }
  if (Node.isUnionTypeNode(typeNode)) {
    for (const member of typeNode.getTypeNodes()) {
      const t = typeFromTypeNode(types, member, depth);
      if (t) return t;
    }
  }
  return undefined;
}
