/**
 * Option parsing and validation that commander does not do for us: numeric
 * values, and turning the positional paths and `--root` into the absolute root
 * and paths the engine expects. Problems are UsageErrors (exit 2).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InvalidArgumentError } from 'commander';
import { UsageError } from './errors';

/** `--max-warnings <n>`: a non-negative integer; `-1` means no limit, as in ESLint. */
export function parseMaxWarnings(value: string): number {
  // Returns a number even for "no limit": commander turns an undefined parser result into ''.
  if (!/^(?:0|[1-9]\d*|-1)$/.test(value.trim())) {
    throw new InvalidArgumentError('expected a non-negative integer (or -1 for no limit).');
  }
  return Number(value);
}

/** A positive integer option (`--max-files <n>`). */
export function parsePositive(value: string): number {
  if (!/^[1-9]\d*$/.test(value.trim())) throw new InvalidArgumentError('expected a positive integer.');
  return Number(value);
}

function statOrUndefined(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch {
    return undefined;
  }
}

export interface Target {
  /** Absolute workspace root. */
  root: string;
  /** Absolute paths to restrict the report to; undefined = the whole root. */
  paths?: string[];
}

/**
 * Default root is the current directory; with exactly one directory argument
 * and no `--root`, that directory is the root. File arguments are analysed in
 * their project (see projectRootOf), not in whatever the current directory is.
 * Every path must exist.
 */
export function resolveTarget(cwd: string, paths: readonly string[], rootOption?: string): Target {
  const absolutePaths = paths.map((p) => path.resolve(cwd, p));
  absolutePaths.forEach((absolute, index) => {
    if (!statOrUndefined(absolute)) throw new UsageError(`path does not exist: ${paths[index]}`);
  });

  if (rootOption !== undefined) {
    const root = path.resolve(cwd, rootOption);
    if (!statOrUndefined(root)?.isDirectory()) throw new UsageError(`--root is not a directory: ${rootOption}`);
    // A path outside the root would match no finding and report "No problems found".
    absolutePaths.forEach((absolute, index) => {
      const rel = path.relative(root, absolute);
      if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
        throw new UsageError(`path ${paths[index]} is outside --root ${rootOption}; give a path inside it, or a --root that contains it`);
      }
    });
    return { root, paths: absolutePaths.length > 0 ? absolutePaths : undefined };
  }
  if (absolutePaths.length === 1 && statOrUndefined(absolutePaths[0]!)!.isDirectory()) {
    return { root: absolutePaths[0]! };
  }
  if (absolutePaths.length === 0) return { root: path.resolve(cwd) };
  const roots = absolutePaths.map((p) => projectRootOf(p, cwd));
  return { root: roots.reduce(commonAncestor), paths: absolutePaths };
}

/** Files that mark a project root: the architecture file, a repository. */
const ROOT_MARKERS = ['architecture.yaml', 'architecture.yml', '.git'];

/**
 * The project a path belongs to: the nearest folder above it (or itself) with
 * an architecture file, a package.json declaring workspaces, or a .git; without
 * one, the current directory when the path is inside it, else the path's folder.
 */
export function projectRootOf(target: string, cwd: string): string {
  const start = statOrUndefined(target)?.isDirectory() ? target : path.dirname(target);
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (ROOT_MARKERS.some((m) => statOrUndefined(path.join(dir, m))) || declaresWorkspaces(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) break;
  }
  const base = path.resolve(cwd);
  return start === base || start.startsWith(base + path.sep) ? base : start;
}

function declaresWorkspaces(manifest: string): boolean {
  try {
    if (!statOrUndefined(manifest)?.isFile()) return false;
    const json = JSON.parse(fs.readFileSync(manifest, 'utf8')) as { workspaces?: unknown };
    return json.workspaces !== undefined;
  } catch {
    return false;
  }
}

function commonAncestor(a: string, b: string): string {
  let dir = a;
  while (!(b === dir || b.startsWith(dir.endsWith(path.sep) ? dir : dir + path.sep))) dir = path.dirname(dir);
  return dir;
}

/** An option naming a file that must exist (e.g. `--architecture`). */
export function resolveExistingFile(cwd: string, value: string, optionName: string): string {
  const absolute = path.resolve(cwd, value);
  const stats = statOrUndefined(absolute);
  if (!stats) throw new UsageError(`${optionName} file does not exist: ${value}`);
  if (!stats.isFile()) throw new UsageError(`${optionName} is not a file: ${value}`);
  return absolute;
}
