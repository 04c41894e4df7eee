/**
 * What an import brings in. A service that imports a DTO, a type or a
 * constant from a shared package's barrel does not run the database client
 * the same package builds; one that imports the client, the module that
 * provides it, or a repository built on it does.
 */
import { Node, ts, type ExportDeclaration, type ImportDeclaration, type SourceFile } from 'ts-morph';

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

const usedCache = new WeakMap<SourceFile, Set<string>>();

/** The identifiers a file uses outside its import declarations (comments are not identifiers). */
function usedNames(file: SourceFile): Set<string> {
  let used = usedCache.get(file);
  if (used) return used;
  const names = new Set<string>();
  // On the compiler nodes: wrapping every identifier of the file would cost for nothing.
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) names.add(n.text);
    else ts.forEachChild(n, visit);
  };
  for (const statement of file.compilerNode.statements) if (!ts.isImportDeclaration(statement)) visit(statement);
  used = names;
  usedCache.set(file, used);
  return used;
}

/** How many files of imports, at most, lie between a declaration a service imports and the client's file. */
const MAX_DEPTH = 5;

/**
 * A predicate over import and re-export declarations: true when the declaration brings in something
 * declared in `target`, or declared in a file whose own value imports bring in such a thing (up to
 * MAX_DEPTH files away). Named imports count only when one of the names resolves (through barrels)
 * to such a declaration, so a constant declared beside `export *` lines in a barrel does not;
 * namespace, default and side-effect imports and `export *` bring in the whole module and what it
 * re-exports. A name the checker cannot resolve counts, so a gap in resolution never hides a use.
 */
export function bringsIn(target: SourceFile): (decl: ImportDeclaration | ExportDeclaration) => boolean {
  const memo = new Map<SourceFile, boolean>();
  /** The file's declarations use the target: it is the target, or one of its value imports brings it in. */
  const leads = (file: SourceFile, depth: number): boolean => {
    if (file === target) return true;
    const known = memo.get(file);
    if (known !== undefined) return known;
    if (depth >= MAX_DEPTH) return false;
    memo.set(file, false);
    const hit = file.getImportDeclarations().some((d) => brings(d, depth + 1));
    memo.set(file, hit);
    return hit;
  };
  /** The whole module: its own declarations, and what it re-exports. */
  const moduleBrings = (file: SourceFile | undefined, depth: number): boolean => {
    if (!file) return false;
    if (leads(file, depth)) return true;
    return depth < MAX_DEPTH && file.getExportDeclarations().some((e) => !typeOnly(e) && e.getModuleSpecifier() !== undefined && brings(e, depth + 1));
  };
  const resolvesToUse = (name: Node, depth: number): boolean => {
    try {
      let symbol = name.getSymbol();
      if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol() ?? symbol;
      const decls = symbol?.getDeclarations() ?? [];
      if (!decls.length) return true;
      return decls.some((d) => leads(d.getSourceFile(), depth));
    } catch {
      return true;
    }
  };
  const moduleOf = (decl: ImportDeclaration | ExportDeclaration): SourceFile | undefined => {
    try { return decl.getModuleSpecifierSourceFile(); } catch { return undefined; }
  };
  const brings = (decl: ImportDeclaration | ExportDeclaration, depth: number): boolean => {
    // A module outside the workspace (a package, a built-in) or not found never leads to the target.
    const module = moduleOf(decl);
    if (typeOnly(decl) || !module || module.isDeclarationFile() || module.getFilePath().includes('/node_modules/')) return false;
    if (Node.isImportDeclaration(decl)) {
      if (!decl.getImportClause()) return moduleBrings(module, depth);
      // An import none of whose names the file uses is elided by the compiler (an import left behind
      // when `MongodbModule` was commented out of a module's `imports`): nothing of it runs.
      const used = usedNames(decl.getSourceFile());
      const def = decl.getDefaultImport();
      const ns = decl.getNamespaceImport();
      if ((def && used.has(def.getText())) || (ns && used.has(ns.getText()))) return moduleBrings(module, depth);
      return decl.getNamedImports().some((n) => !n.isTypeOnly() && used.has((n.getAliasNode() ?? n.getNameNode()).getText()) && resolvesToUse(n.getAliasNode() ?? n.getNameNode(), depth));
    }
    if (!decl.hasNamedExports()) return moduleBrings(module, depth);
    return decl.getNamedExports().some((n) => !n.isTypeOnly() && resolvesToUse(n.getNameNode(), depth));
  };
  return (decl) => brings(decl, 0);
}
