/**
 * What fix builders need to know about the workspace beyond the code: the
 * folder of a service, the tables its SQL migrations create, where a new
 * migration goes and what it is called, and where a new module goes.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Node } from 'ts-morph';
import type { SystemModel } from '../model';
import { readOptional } from '../workspace/files';

export interface SqlColumn {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  primaryKey: boolean;
}

export interface SqlTable {
  name: string;
  file: string;
  columns: SqlColumn[];
}

/** The root-relative folder of the node's service ('' for the workspace root). */
export function serviceDir(model: SystemModel, node: Node): string {
  const service = model.serviceOf(node);
  const rel = model.relOf(node);
  const dir = service?.paths.find((p) => !/[*?{[]/.test(p) && (p === '' || rel.startsWith(`${p}/`)));
  return dir ?? '';
}

export function exists(model: SystemModel, rel: string): boolean {
  return fs.existsSync(path.join(model.root, rel));
}

function sqlFiles(model: SystemModel, dir: string): string[] {
  return model.findFiles([dir ? `${dir}/**/*.sql` : '**/*.sql']);
}

/** Tables created by the SQL files under `dir` whose name matches. */
export function sqlTables(model: SystemModel, dir: string, name: (table: string) => boolean): SqlTable[] {
  const out: SqlTable[] = [];
  for (const file of sqlFiles(model, dir)) {
    const text = readOptional(path.join(model.root, file))?.replace(/--[^\n]*/g, '');
    if (!text) continue;
    for (const m of text.matchAll(/CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([\w."]+)\s*\(/gi)) {
      const table = m[1].replace(/"/g, '').replace(/^.*\./, '');
      if (!name(table)) continue;
      const body = balanced(text, m.index! + m[0].length - 1);
      if (body === undefined) continue;
      out.push({ name: table, file, columns: columnsOf(body) });
    }
  }
  return out;
}

/** The text between the parenthesis at `open` and its match. */
function balanced(text: string, open: number): string | undefined {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return text.slice(open + 1, i);
  }
  return undefined;
}

function columnsOf(body: string): SqlColumn[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '(') depth++;
    else if (body[i] === ')') depth--;
    else if (body[i] === ',' && depth === 0) { parts.push(body.slice(start, i)); start = i + 1; }
  }
  parts.push(body.slice(start));
  const columns: SqlColumn[] = [];
  const pk = new Set<string>();
  for (const raw of parts) {
    const part = raw.trim();
    const constraint = /^(?:CONSTRAINT\s+\w+\s+)?PRIMARY\s+KEY\s*\(([^)]*)\)/i.exec(part);
    if (constraint) { constraint[1].split(',').forEach((c) => pk.add(c.trim().replace(/"/g, ''))); continue; }
    if (/^(CONSTRAINT|UNIQUE|CHECK|FOREIGN|PRIMARY|EXCLUDE|INDEX|KEY)\b/i.test(part)) continue;
    const m = /^"?(\w+)"?\s+([\w ]+?(?:\([^)]*\))?)(?=\s|$)(.*)$/s.exec(part);
    if (!m) continue;
    const rest = m[3];
    const type = m[2].trim().toLowerCase();
    columns.push({
      name: m[1], type,
      primaryKey: /\bPRIMARY\s+KEY\b/i.test(rest),
      notNull: /\bNOT\s+NULL\b/i.test(rest) || /\bPRIMARY\s+KEY\b/i.test(rest),
      hasDefault: /\bDEFAULT\b/i.test(rest) || /serial|identity/i.test(type + rest),
    });
  }
  for (const c of columns) if (pk.has(c.name)) { c.primaryKey = true; c.notNull = true; }
  return columns;
}

/**
 * Where a new migration named `<n>_<name>.sql` goes: beside the service's
 * existing migrations, numbered after them, else `<service>/migrations/001_<name>.sql`.
 */
export function newMigrationPath(model: SystemModel, dir: string, name: string): string {
  const files = sqlFiles(model, dir).filter((f) => /(^|\/)migrations?\//.test(f));
  const folder = files.length ? path.posix.dirname(files[0]) : path.posix.join(dir, 'migrations');
  const numbered = files.filter((f) => path.posix.dirname(f) === folder).map((f) => /^(\d+)_/.exec(path.posix.basename(f))?.[1]).filter((n): n is string => !!n);
  let prefix = '001';
  if (numbered.length) {
    const width = Math.max(...numbered.map((n) => n.length));
    const next = numbered.map((n) => BigInt(n)).reduce((a, b) => (a > b ? a : b)) + 1n;
    prefix = next.toString().padStart(width, '0');
  }
  for (let attempt = 0; ; attempt++) {
    const candidate = path.posix.join(folder, `${prefix}_${name}${attempt ? `_${attempt + 1}` : ''}.sql`);
    if (!exists(model, candidate)) return candidate;
  }
}

/** The folder for a new module of the service: its `src/` when it has one, else the given file's folder. */
export function moduleDir(model: SystemModel, dir: string, besideFile: string): string {
  const src = dir ? `${dir}/src` : 'src';
  if (besideFile.startsWith(`${src}/`)) return src;
  return path.posix.dirname(besideFile);
}

/** The text of a workspace file (from the analysed sources when it is one, else the disk). */
export function fileText(model: SystemModel, rel: string): string | undefined {
  const source = model.files.find((f) => f.rel === rel);
  if (source) return source.sourceFile.getFullText();
  return readOptional(path.join(model.root, rel));
}
