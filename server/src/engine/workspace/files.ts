/** Finding the workspace's source files without reading what the rules do not need. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import picomatch from 'picomatch';
import { createScope, type OutOfScopeKind, type Scope } from '../system/scope';
import { readWorkspaceText, type Refusal } from './safeRead';
import { importedScripts, inScriptFolder } from './importedScripts';

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
/**
 * The folders the source walk skips: the ignored ones except those decided per path (build/out
 * output vs a source folder of that name, vendored code vs a `vendor` domain module).
 */
export const SOURCE_WALK_IGNORE = IGNORED_DIRS.filter((d) => !['**/build/**', '**/out/**', '**/vendor/**'].includes(d));
/** TypeScript sources (vendored third-party code is JavaScript). */
const TYPESCRIPT = /\.(ts|tsx|mts|cts)$/;

/**
 * True for vendored third-party code: a `vendor` folder outside `src/` (`public/vendor`, a package's
 * `vendor/`), or JavaScript in one under `src/`. TypeScript in `src/.../vendor/` is a domain module
 * (`src/modules/vendor/vendor.service.ts` of a marketplace).
 */
function isVendoredPath(segments: string[]): boolean {
  const at = segments.lastIndexOf('vendor', segments.length - 2);
  if (at < 0) return false;
  return !segments.slice(0, at).includes('src') || !TYPESCRIPT.test(segments[segments.length - 1]);
}

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
  return isOutputPath(segments) || isVendoredPath(segments) || IGNORED_FILE_NAME.test(segments[segments.length - 1]);
}

/**
 * The workspace's source files in scope (production code unless the scope says otherwise; see
 * system/scope.ts), and how many were left out of scope by kind.
 */
export function listSourceFiles(root: string, overlays?: Map<string, string>, scope: Scope = createScope(), maxFiles = MAX_SOURCE_FILES): ListResult {
  const ignore = SOURCE_WALK_IGNORE;
  const outOfScope: Partial<Record<OutOfScopeKind, number>> = {};
  const walk = watchedWalk(root, ignore);
  const scripts: string[] = [];
  const rels = fg.sync(SOURCE_GLOB, {
    cwd: root, ignore, dot: false, followSymbolicLinks: false, onlyFiles: true, suppressErrors: true, fs: walk.fs,
  }).filter((rel) => {
    if (isExcluded(rel)) return false;
    const kind = scope.outOfScope(rel);
    if (kind) outOfScope[kind] = (outOfScope[kind] ?? 0) + 1;
    if (kind === 'script' && inScriptFolder(rel)) scripts.push(rel);
    return !kind;
  }).sort();
  const overLimit = rels.length > maxFiles ? rels.length : undefined;
  if (overLimit) rels.length = maxFiles;
  const files: SourceFileEntry[] = [];
  // Folders the walk could not open and symbolic links it did not follow (in scope): said, not silently dropped.
  const skipped = walk.dropped().filter((s) => !isExcluded(s.file) && !scope.outOfScope(s.file));
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
  // Modules of a `scripts/` folder that production code imports are production code (importedScripts.ts).
  const textOf = (rel: string) => {
    const abs = path.join(root, rel);
    const text = overlays?.get(abs) ?? readTextFile(abs);
    return typeof text === 'string' ? text : undefined;
  };
  const imported = scripts.length && files.length < maxFiles ? importedScripts(files, scripts, textOf).slice(0, maxFiles - files.length) : [];
  for (const { rel, text } of imported) {
    files.push({ rel, abs: path.join(root, rel), text });
    outOfScope.script = (outOfScope.script ?? 1) - 1;
  }
  if (outOfScope.script === 0) delete outOfScope.script;
  if (imported.length) files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { files, skipped, outOfScope, overLimit };
}

const SOURCE_NAME = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/**
 * File system methods for fast-glob that note what its walk drops without a
 * word: folders it cannot read (permissions) and symbolic links (sources or
 * folders) it does not follow.
 */
function watchedWalk(root: string, ignore: string[]) {
  const dropped = new Map<string, string>();
  const ignored = picomatch(ignore, { dot: true });
  const rel = (p: string) => toRel(root, path.resolve(root, p));
  const readdirSync = ((dir: fs.PathLike, options?: unknown) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, options as { withFileTypes: true });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') dropped.set(rel(String(dir)) || '.', `folder not readable (${code ?? (error as Error).message}); its files are not analyzed`);
      throw error;
    }
    for (const entry of entries) {
      if (typeof entry !== 'object' || !entry.isSymbolicLink() || entry.name.startsWith('.')) continue;
      const file = rel(path.join(String(dir), entry.name));
      if (ignored(`${file}/x`)) continue;
      if (SOURCE_NAME.test(entry.name)) dropped.set(file, 'symbolic link (not followed; only files inside the workspace are analyzed, where they are)');
      else if (isDirectory(path.join(String(dir), entry.name))) {
        dropped.set(file, 'symbolic link to a folder (not followed); its files are not analyzed');
      }
    }
    return entries;
  }) as typeof fs.readdirSync;
  return {
    fs: { readdirSync },
    dropped: () => [...dropped].map(([file, reason]) => ({ file, reason })),
  };
}

function isDirectory(abs: string): boolean {
  try {
    return fs.statSync(abs).isDirectory();
  } catch {
    return false;
  }
}

/** Reads a UTF-8 text file, refusing huge, binary, special and vanished files with a reason. */
export function readTextFile(abs: string, maxBytes = MAX_FILE_BYTES, root?: string): string | Refusal {
  return readWorkspaceText(abs, maxBytes, root);
}

export const MAX_CONFIG_BYTES = 2 * 1024 * 1024;
/** Larger than any architecture file a team writes by hand; parsing more would take seconds. */
export const MAX_ARCHITECTURE_BYTES = 1024 * 1024;

/**
 * Reads an optional small text file (package.json, compose, .env); undefined when absent or unusable.
 * With `root`, only a file inside that folder is read (a symbolic link only when it resolves inside it).
 */
export function readOptional(abs: string, overlays?: Map<string, string>, root?: string): string | undefined {
  const overlay = overlays?.get(abs);
  if (overlay !== undefined) return overlay;
  const text = readTextFile(abs, MAX_CONFIG_BYTES, root);
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

/**
 * One top-level field of every package.json of the workspace that has it (a cheap text check first):
 * its root-relative path and the parsed value. An unreadable manifest is skipped here (it is reported
 * where package manifests are read).
 */
export function manifestFields(root: string, field: string, overlays?: Map<string, string>): { rel: string; value: unknown }[] {
  const out: { rel: string; value: unknown }[] = [];
  for (const rel of findConfigFiles(root, ['**/package.json'])) {
    const text = readOptional(path.join(root, rel), overlays, root);
    if (!text || !text.includes(`"${field}"`)) continue;
    try {
      const value = (JSON.parse(text) as Record<string, unknown>)[field];
      if (value !== undefined) out.push({ rel, value });
    } catch {
      // not a usable manifest
    }
  }
  return out;
}
