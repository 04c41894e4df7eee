/** Finding the workspace's source files without reading what the rules do not need. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { createScope, type OutOfScopeKind, type Scope } from '../system/scope';

export const SOURCE_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';
export const IGNORED_DIRS = ['**/node_modules/**', '**/dist/**', '**/build/**', '**/out/**', '**/coverage/**', '**/.git/**', '**/.next/**', '**/.turbo/**', '**/vendor/**'];
/** Declarations and bundles (`.d.ts`, `.min.js`, `.bundle.js` files). */
const IGNORED_FILE_NAME = /\.(d\.ts|min\.js|bundle\.js)$/;
export const MAX_FILE_BYTES = 1024 * 1024;
/**
 * Source files analysed at most (the first in path order): a root chosen by
 * mistake (a home folder, a monorepo's parent) stops with a message naming the
 * limit instead of parsing until memory runs out.
 */
export const MAX_SOURCE_FILES = 20_000;

export interface SourceFileEntry {
  /** Root-relative, forward slashes. */
  rel: string;
  abs: string;
  text: string;
}

export interface ListResult {
  files: SourceFileEntry[];
  skipped: { file: string; reason: string }[];
  /** Source files left out as non-production code, by kind. */
  outOfScope: Partial<Record<OutOfScopeKind, number>>;
  /** Source files found when there were more than MAX_SOURCE_FILES (only the first are listed). */
  overLimit?: number;
}

export function toRel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

/** Build output folder names that are also common source folder names (`src/core/build`, `src/out`). */
const OUTPUT_OR_SOURCE = new Set(['build', 'out']);

/** True for `build/` and `out/` output folders; the same names under a `src/` folder are source (a "build" domain module). */
function isOutputPath(segments: string[]): boolean {
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i] === 'src') return false;
    if (OUTPUT_OR_SOURCE.has(segments[i])) return true;
  }
  return false;
}

/** A listed source file that is not source: build output, declarations and bundles. */
function isExcluded(rel: string): boolean {
  const segments = rel.split('/');
  return isOutputPath(segments) || IGNORED_FILE_NAME.test(segments[segments.length - 1]);
}

/**
 * The workspace's source files in scope (production code unless the scope says otherwise; see
 * system/scope.ts), and how many were left out of scope by kind.
 */
export function listSourceFiles(root: string, overlays?: Map<string, string>, scope: Scope = createScope(), maxFiles = MAX_SOURCE_FILES): ListResult {
  const ignore = IGNORED_DIRS.filter((d) => !['**/build/**', '**/out/**'].includes(d));
  const outOfScope: Partial<Record<OutOfScopeKind, number>> = {};
  const rels = fg.sync(SOURCE_GLOB, {
    cwd: root, ignore, dot: false, followSymbolicLinks: false, onlyFiles: true, suppressErrors: true,
  }).filter((rel) => {
    if (isExcluded(rel)) return false;
    const kind = scope.outOfScope(rel);
    if (kind) outOfScope[kind] = (outOfScope[kind] ?? 0) + 1;
    return !kind;
  }).sort();
  const overLimit = rels.length > maxFiles ? rels.length : undefined;
  if (overLimit) rels.length = maxFiles;
  const files: SourceFileEntry[] = [];
  const skipped: { file: string; reason: string }[] = [];
  for (const rel of rels) {
    const abs = path.join(root, rel);
    const overlay = overlays?.get(abs);
    if (overlay !== undefined) {
      files.push({ rel, abs, text: overlay });
      continue;
    }
    const text = readTextFile(abs);
    if (typeof text === 'string') files.push({ rel, abs, text });
    else skipped.push({ file: rel, reason: text.reason });
  }
  return { files, skipped, outOfScope, overLimit };
}

/** Reads a UTF-8 text file, refusing huge, binary and vanished files with a reason. */
export function readTextFile(abs: string, maxBytes = MAX_FILE_BYTES): string | { reason: string } {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(abs);
  } catch {
    return { reason: 'file disappeared while reading' };
  }
  if (!stat.isFile()) return { reason: 'not a regular file' };
  if (stat.size > maxBytes) return { reason: `larger than ${Math.round(maxBytes / 1024)} KiB` };
  let buffer: Buffer;
  try {
    buffer = fs.readFileSync(abs);
  } catch (error) {
    return { reason: `unreadable: ${(error as Error).message}` };
  }
  if (buffer.subarray(0, 8000).includes(0)) return { reason: 'binary content' };
  return buffer.toString('utf8');
}

/** Reads an optional small text file (package.json, compose, .env); undefined when absent or unusable. */
export function readOptional(abs: string, overlays?: Map<string, string>): string | undefined {
  const overlay = overlays?.get(abs);
  if (overlay !== undefined) return overlay;
  const text = readTextFile(abs, 2 * 1024 * 1024);
  return typeof text === 'string' ? text : undefined;
}

/** Config files anywhere in the workspace matching a glob (compose files, .env files, Dockerfiles...). */
export function findConfigFiles(root: string, patterns: string[]): string[] {
  return fg.sync(patterns, {
    cwd: root, ignore: IGNORED_DIRS, dot: true, followSymbolicLinks: false, onlyFiles: true, suppressErrors: true, deep: 6,
  }).sort();
}

/** Folders matching a glob (e.g. `services/*`). */
export function findDirectories(root: string, patterns: string[]): string[] {
  return fg.sync(patterns, {
    cwd: root, ignore: IGNORED_DIRS, onlyDirectories: true, followSymbolicLinks: false, suppressErrors: true, deep: 3,
  }).sort();
}
