/** Workspace type aliases as the type follower reads them: what an alias names, and what a generic wrapper passes through. */
import { Node, type TypeAliasDeclaration, type TypeReferenceNode } from 'ts-morph';

/**
 * The type argument a wrapper type stands for: `NonNullable<T>`, `Readonly<T>`, or a workspace
 * alias whose body is one of its type parameters, alone or in a union (`type Optional<T> = T |
 * undefined` makes `Optional<Redis>` a Redis client).
 */
export function passedThrough(ref: TypeReferenceNode): Node | undefined {
  const args = ref.getTypeArguments();
  const nameNode = ref.getTypeName();
  if (!args.length || !Node.isIdentifier(nameNode)) return undefined;
  if (nameNode.getText() === 'NonNullable' || nameNode.getText() === 'Readonly') return args[0];
  const decl = localAliasDeclaration(nameNode);
  const body = decl?.getTypeNode();
  if (!decl || !body) return undefined;
  const params = decl.getTypeParameters().map((p) => p.getName());
  for (const member of Node.isUnionTypeNode(body) ? body.getTypeNodes() : [body]) {
    if (!Node.isTypeReference(member) || member.getTypeArguments().length) continue;
    const i = params.indexOf(member.getTypeName().getText());
    if (i >= 0 && args[i]) return args[i];
  }
  return undefined;
}

/** The workspace type alias a name refers to (through imports), not one from a declaration file. */
export function localAliasDeclaration(nameNode: Node): TypeAliasDeclaration | undefined {
  try {
    let symbol = nameNode.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    const decl = symbol?.getDeclarations()[0];
    return decl && Node.isTypeAliasDeclaration(decl) && !decl.getSourceFile().isDeclarationFile() ? decl : undefined;
  } catch {
    return undefined;
  }
}
