/** Making a name from `node:crypto` (and other modules) available in a file. */
import { Node, type SourceFile } from 'ts-morph';
import type { TextEdit } from '../types';
import { eolOf, insertAt, quoteOf } from './text';

/**
 * The expression that calls `randomUUID` in this file, and the import edit
 * when one is needed. The edit is the same for every fix in the file, so
 * "fix all" applies it once.
 */
export function randomUUIDIn(file: string, sf: SourceFile): { call: string; edits: TextEdit[] } {
  for (const decl of sf.getImportDeclarations()) {
    const module = decl.getModuleSpecifierValue();
    if (module !== 'crypto' && module !== 'node:crypto') continue;
    const named = decl.getNamedImports().find((n) => n.getName() === 'randomUUID');
    if (named) return { call: `${named.getAliasNode()?.getText() ?? 'randomUUID'}()`, edits: [] };
    const ns = decl.getNamespaceImport() ?? decl.getDefaultImport();
    if (ns && !decl.isTypeOnly()) return { call: `${ns.getText()}.randomUUID()`, edits: [] };
  }
  const requireDecl = sf.getVariableStatements().flatMap((s) => s.getDeclarations())
    .find((d) => /^require\(\s*['"](node:)?crypto['"]\s*\)$/.test(d.getInitializer()?.getText() ?? ''));
  if (requireDecl) {
    const name = requireDecl.getNameNode();
    if (Node.isIdentifier(name)) return { call: `${name.getText()}.randomUUID()`, edits: [] };
    if (Node.isObjectBindingPattern(name) && name.getElements().some((e) => e.getName() === 'randomUUID')) return { call: 'randomUUID()', edits: [] };
  }
  return { call: 'randomUUID()', edits: [importEdit(file, sf, 'randomUUID', 'node:crypto')] };
}

/** `import { name } from 'module';` after the last import (or `const { name } = require(...)` in a CommonJS file without imports). */
export function importEdit(file: string, sf: SourceFile, name: string, module: string, typeOnly = false): TextEdit {
  const q = quoteOf(sf);
  const eol = eolOf(sf);
  const imports = sf.getImportDeclarations();
  const usesRequire = !imports.length && /\brequire\(/.test(sf.getFullText());
  const statement = usesRequire
    ? `const { ${name} } = require(${q}${module}${q});`
    : `import ${typeOnly ? 'type ' : ''}{ ${name} } from ${q}${module}${q};`;
  if (imports.length) return insertAt(file, sf, imports[imports.length - 1].getEnd(), `${eol}${statement}`);
  // Before the first statement, after leading comments (a file header, 'use strict').
  const first = sf.getStatements()[0];
  if (first && Node.isExpressionStatement(first) && /^['"]use strict['"]/.test(first.getText())) {
    return insertAt(file, sf, first.getEnd(), `${eol}${statement}`);
  }
  return insertAt(file, sf, first ? first.getStart() : 0, `${statement}${eol}${first ? eol : ''}`);
}

/** A relative module specifier from one root-relative file to another, in the style of the importing file (with `.js` when it uses extensions). */
export function relativeSpecifier(from: string, to: string, sf: SourceFile): string {
  const fromDir = from.includes('/') ? from.slice(0, from.lastIndexOf('/')) : '';
  const fromParts = fromDir ? fromDir.split('/') : [];
  const toParts = to.split('/');
  let common = 0;
  while (common < fromParts.length && common < toParts.length - 1 && fromParts[common] === toParts[common]) common++;
  const up = fromParts.length - common;
  const rest = toParts.slice(common).join('/').replace(/\.[cm]?tsx?$/, '');
  const withExt = sf.getImportDeclarations().some((d) => /^\.\.?\/.*\.js$/.test(d.getModuleSpecifierValue()));
  return `${up ? '../'.repeat(up) : './'}${rest}${withExt ? '.js' : ''}`;
}
