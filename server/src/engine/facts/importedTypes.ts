/**
 * Which library an import names: the module of an `import` (unless it
 * resolves to a workspace file), of a `require('...')`, or of a workspace
 * file that re-exports exactly one library. Where the type follower
 * (typeFollower.ts) starts every library type.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { generatedLibraryOf, libraryOf } from './modules';

/** `require('kafkajs')`: the library's namespace. */
export function requireType(call: Node): string | undefined {
  if (!Node.isCallExpression(call)) return undefined;
  const arg = call.getArguments()[0];
  if (arg && Node.isStringLiteral(arg)) {
    const lib = libraryOf(arg.getLiteralValue());
    if (lib) return `${lib}#*`;
  }
  return undefined;
}

/**
 * `import { PrismaClient } from '../db'` where `db.ts` re-exports a library (`export * from
 * '@prisma/client'`) and declares no such name itself: the library's export, when exactly one
 * library is re-exported that way (without node_modules the re-export does not resolve); or names it
 * in a re-export of that library (`export { PrismaClient } from './generated/prisma/client.js'`).
 */
export function reexportedLibraryType(spec: Node): string | undefined {
  if (!Node.isImportSpecifier(spec)) return undefined;
  const name = spec.getNameNode().getText();
  try {
    const target = spec.getImportDeclaration().getModuleSpecifierSourceFile();
    if (!target || target.isDeclarationFile()) return undefined;
    // `export { PrismaClient } from './generated/prisma/client.js'`: a named re-export of the library (or of its
    // generated client, not committed).
    for (const e of target.getExportDeclarations()) {
      const named = e.getNamedExports().find((n) => (n.getAliasNode()?.getText() ?? n.getName()) === name);
      const m = named ? e.getModuleSpecifierValue() : undefined;
      const lib = m ? libraryOf(m) ?? (e.getModuleSpecifierSourceFile() ? undefined : generatedLibraryOf(m)) : undefined;
      if (lib) return `${lib}#${named!.getName()}`;
    }
    if (target.getExportSymbols().some((s) => s.getName() === name)) return undefined;
    const libs = target.getExportDeclarations()
      .filter((e) => !e.hasNamedExports() && !e.getNamespaceExport())
      // `export * from '../generated/prisma'`: generated client code that is not committed is the library.
      .map((e) => {
        const m = e.getModuleSpecifierValue();
        return m ? libraryOf(m) ?? (e.getModuleSpecifierSourceFile() ? undefined : generatedLibraryOf(m)) : undefined;
      })
      .filter((l): l is string => !!l);
    return libs.length === 1 ? `${libs[0]}#${name}` : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The library an import comes from; undefined when it resolves to a workspace file, unless the
 * library tables model that package (`modeled`): a monorepo that holds the source of a package it
 * also publishes (`@prairielearn/postgres` in PrairieLearn) calls the library the tables describe.
 */
export function moduleOfImportNode(node: Node, modeled?: ReadonlySet<string>): string | undefined {
  const decl = node.getFirstAncestorByKind(SyntaxKind.ImportDeclaration);
  if (!decl) return undefined;
  const specifier = decl.getModuleSpecifierValue();
  const lib = libraryOf(specifier) ?? generatedLibraryOf(specifier);
  if (!lib) return undefined;
  if (modeled?.has(lib) && libraryOf(specifier) === lib) return lib;
  try {
    const target = decl.getModuleSpecifierSourceFile();
    if (target && !target.isDeclarationFile()) return undefined;
  } catch {
    // unresolvable: a library
  }
  return lib;
}
