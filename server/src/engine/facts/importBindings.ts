/**
 * What a name of a file was imported as: the module specifier and the export (`default` for a
 * default import, `*` for a namespace import). Read from the file's import declarations alone, so it
 * answers whether or not the module is installed.
 */
import { Node } from 'ts-morph';

export function importedAs(id: Node): { module: string; name: string } | undefined {
  if (!Node.isIdentifier(id)) return undefined;
  const local = id.getText();
  for (const decl of id.getSourceFile().getImportDeclarations()) {
    const named = decl.getNamedImports().find((i) => (i.getAliasNode() ?? i.getNameNode()).getText() === local);
    const name = named ? named.getName() : decl.getDefaultImport()?.getText() === local ? 'default' : decl.getNamespaceImport()?.getText() === local ? '*' : undefined;
    if (name) return { module: decl.getModuleSpecifierValue(), name };
  }
  return undefined;
}
