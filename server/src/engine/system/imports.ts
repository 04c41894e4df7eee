/**
 * What an import brings in. A service that imports a DTO, a type or a
 * constant from a shared package's barrel does not run the database client
 * the same package builds; one that imports the client, the module that
 * provides it, or a repository built on it does.
 */
import { Node, type ExportDeclaration, type ImportDeclaration, type SourceFile } from 'ts-morph';

/** `import type { X }`, `import { type X }` or `export type { X } from`: types only, nothing runs. */
export function typeOnly(decl: ImportDeclaration | ExportDeclaration): boolean {
  if (decl.isTypeOnly()) return true;
  if (Node.isImportDeclaration(decl)) {
    const named = decl.getNamedImports();
    return !decl.getDefaultImport() && !decl.getNamespaceImport() && named.length > 0 && named.every((n) => n.isTypeOnly());
  }
  const named = decl.getNamedExports();
  return named.length > 0 && named.every((n) => n.isTypeOnly());
}

/** How many files of imports, at most, lie between a declaration a service imports and the client's file. */
const MAX_DEPTH = 3;

/**
 * A predicate over import and re-export declarations: true when the declaration brings in something
 * declared in `target` or in a file that (through value imports, up to MAX_DEPTH files) uses it.
 * Namespace, default and side-effect imports and `export *` bring in the whole module, so they count;
 * named imports count only when one of the names resolves (through barrels) to such a declaration.
 * A name the checker cannot resolve counts, so a gap in resolution never hides a use.
 */
export function bringsIn(target: SourceFile): (decl: ImportDeclaration | ExportDeclaration) => boolean {
  const memo = new Map<SourceFile, boolean>();
  const leads = (file: SourceFile, depth: number): boolean => {
    if (file === target) return true;
    const known = memo.get(file);
    if (known !== undefined) return known;
    if (depth >= MAX_DEPTH) return false;
    memo.set(file, false);
    let hit = false;
    for (const d of file.getImportDeclarations()) {
      if (typeOnly(d)) continue;
      let next: SourceFile | undefined;
      try { next = d.getModuleSpecifierSourceFile(); } catch { next = undefined; }
      if (next && leads(next, depth + 1)) {
        hit = true;
        break;
      }
    }
    memo.set(file, hit);
    return hit;
  };
  const resolvesToUse = (name: Node): boolean => {
    try {
      let symbol = name.getSymbol();
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
      const decls = symbol?.getDeclarations() ?? [];
      if (!decls.length) return true;
      return decls.some((d) => leads(d.getSourceFile(), 0));
    } catch {
      return true;
    }
  };
  return (decl) => {
    if (Node.isImportDeclaration(decl)) {
      if (decl.getDefaultImport() || decl.getNamespaceImport()) return true;
      const named = decl.getNamedImports().filter((n) => !n.isTypeOnly());
      if (!decl.getImportClause()) return true;
      return named.some((n) => resolvesToUse(n.getAliasNode() ?? n.getNameNode()));
    }
    const named = decl.getNamedExports().filter((n) => !n.isTypeOnly());
    if (!decl.hasNamedExports()) return true;
    return named.some((n) => resolvesToUse(n.getNameNode()));
  };
}
