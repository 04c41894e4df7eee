/**
 * A results cache for whole-workspace analyses (`check --cache`), keyed by
 * content: the hash of every input the engine can read (see inputs.ts), the
 * analysis options and the engine build. When nothing changed, the stored
 * result is returned without parsing a file; when anything changed, the
 * workspace is analysed again from scratch and the cache rewritten.
 *
 * Whole-result reuse is the only reuse: findings are cross-file (a shared
 * database client in one service makes a finding in another service's
 * file), so reusing per-file results would need the engine's dependency
 * graph to prove which findings a change can touch. Re-hashing the inputs
 * costs a small fraction of an analysis.
 *
 * A missing, unreadable or corrupt cache file is a miss (logged), never an
 * error; a cache file that cannot be written is logged and the run goes on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AnalysisResult, AnalyzeOptions } from '../api';
import { collectInputs, combine } from './inputs';
import { cacheProblem } from './validate';
import { fileKind, isRefusal, readBounded } from '../workspace/safeRead';

export const CACHE_FORMAT = 'distributed-patterns-cache/1';
/** Default cache file name (relative to the current directory), like ESLint's `.eslintcache`. */
export const DEFAULT_CACHE_FILE = '.dpat-cache';

export interface CacheOptions {
  /** Cache file (absolute). An existing directory gets DEFAULT_CACHE_FILE inside it. */
  location: string;
  /** Identity of the engine build: a result from another version is never reused. */
  engineVersion: string;
  /** Cache activity and problems ("cache: ..." lines). */
  log?(message: string): void;
}

export type CacheStatus = 'hit' | 'miss' | 'new' | 'corrupt';

export interface CachedAnalysis {
  result: AnalysisResult;
  status: CacheStatus;
  /** Inputs that differ from the cached run (root-relative keys), on a miss. */
  changed: string[];
  cacheFile: string;
}

interface CacheFile {
  format: string;
  key: string;
  fingerprint: string;
  inputs: Record<string, string>;
  /** Engine log lines of the analysed run, replayed on a hit. */
  logs: string[];
  result: AnalysisResult;
}

export function resolveCacheFile(location: string): string {
  try {
    if (fs.statSync(location).isDirectory()) return path.join(location, DEFAULT_CACHE_FILE);
  } catch {
    // not there yet: a file
  }
  return location;
}

/** Runs `analyze` unless the cache holds a result for exactly these inputs. */
export async function analyzeWithCache(
  options: AnalyzeOptions,
  cache: CacheOptions,
  analyze: (options: AnalyzeOptions) => Promise<AnalysisResult>,
): Promise<CachedAnalysis> {
  const cacheLog = cache.log ?? (() => undefined);
  const cacheFile = resolveCacheFile(path.resolve(cache.location));
  const root = path.resolve(options.root);
  const key = JSON.stringify({
    engine: cache.engineVersion,
    root,
    paths: options.paths ?? [],
    architectureFile: options.architectureFile ? path.resolve(root, options.architectureFile) : null,
    withFixes: options.withFixes ?? false,
    includeTests: options.includeTests ?? false,
    ...(options.maxFiles !== undefined ? { maxFiles: options.maxFiles } : {}),
  });
  const inputs = collectInputs({ root, architectureFile: options.architectureFile, overlays: options.overlays, exclude: [cacheFile] });
  const fingerprint = combine(inputs);

  const { stored, status: readStatus } = readCache(cacheFile, cacheLog);
  if (stored && stored.key === key && stored.fingerprint === fingerprint) {
    cacheLog(`cache: ${inputs.size} inputs unchanged; reusing the results in ${cacheFile}`);
    for (const line of stored.logs) options.log?.(line);
    return { result: stored.result, status: 'hit', changed: [], cacheFile };
  }

  let changed: string[] = [];
  if (stored && stored.key === key) {
    changed = changedInputs(stored.inputs, inputs);
    const shown = changed.slice(0, 5).join(', ') + (changed.length > 5 ? `, and ${changed.length - 5} more` : '');
    cacheLog(`cache: ${changed.length} input${changed.length === 1 ? '' : 's'} changed (${shown}); analysing`);
  } else if (stored) {
    cacheLog('cache: made by another engine version or with other options; analysing');
  } else if (readStatus === 'new') {
    cacheLog(`cache: no cache file at ${cacheFile} yet; analysing`);
  }

  const logs: string[] = [];
  const result = await analyze({ ...options, log: (line) => { logs.push(line); options.log?.(line); } });
  writeCache(cacheFile, { format: CACHE_FORMAT, key, fingerprint, inputs: Object.fromEntries(inputs), logs, result }, cacheLog);
  return { result, status: stored ? 'miss' : readStatus, changed, cacheFile };
}

/** Larger than the results of any workspace; a bigger file at the cache location is not read. */
const MAX_CACHE_BYTES = 256 * 1024 * 1024;

function readCache(file: string, log: (m: string) => void): { stored?: CacheFile; status: 'new' | 'corrupt' | 'miss' } {
  if (!exists(file)) return { status: 'new' };
  // Never blocks or grows without bound: a FIFO, a device or a huge file is refused, not read.
  const bytes = readBounded(file, MAX_CACHE_BYTES);
  if (isRefusal(bytes)) {
    log(`cache: ignoring ${file}: cannot read it (${bytes.reason})`);
    return { status: 'corrupt' };
  }
  try {
    const parsed = JSON.parse(bytes.toString('utf8')) as Partial<CacheFile>;
    if (parsed?.format !== CACHE_FORMAT) throw new Error(`not a ${CACHE_FORMAT} file`);
    // Every field the formatters read, so a tampered entry is a miss here and not a crash later.
    const problem = cacheProblem(parsed);
    if (problem) throw new Error(problem);
    return { stored: parsed as CacheFile, status: 'miss' };
  } catch (error) {
    log(`cache: ignoring ${file}: not a valid cache file (${(error as Error).message}); analysing and rewriting it`);
    return { status: 'corrupt' };
  }
}

function exists(file: string): boolean {
  try {
    fs.lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Why the cache may not be written at `file`: only an absent path, or a regular file that is already a cache
 * of this tool (by its format line, or an empty or damaged file with the default name), is replaced. A README,
 * a device such as /dev/null, a FIFO or a symbolic link is never touched.
 */
export function cacheWriteRefusal(file: string): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return undefined;
  }
  if (stat.isSymbolicLink()) return 'it is a symbolic link';
  if (!stat.isFile()) return `it is ${fileKind(stat)}, not a cache file`;
  if (stat.size === 0 || path.basename(file) === DEFAULT_CACHE_FILE) return undefined;
  const head = readBounded(file, MAX_CACHE_BYTES);
  if (isRefusal(head)) return `it cannot be read (${head.reason})`;
  const start = head.subarray(0, 200).toString('utf8');
  if (start.includes(`"format":"${CACHE_FORMAT}"`)) return undefined;
  return 'it is not a cache file of distributed-patterns (use an absent path or a folder)';
}

function writeCache(file: string, content: CacheFile, log: (m: string) => void): void {
  const refused = cacheWriteRefusal(file);
  if (refused) {
    log(`cache: cannot write ${file}: ${refused}; the next run analyses again`);
    return;
  }
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // 'wx': never through whatever already stands at the temporary name.
    fs.writeFileSync(tmp, JSON.stringify(content), { flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (error) {
    log(`cache: cannot write ${file} (${(error as Error).message}); the next run analyses again`);
    try { fs.rmSync(tmp, { force: true }); } catch { /* nothing to clean */ }
  }
}

function changedInputs(before: Record<string, string>, now: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, v] of now) if (before[k] !== v) out.push(k.replace(/^\w+:/, ''));
  for (const k of Object.keys(before)) if (!now.has(k)) out.push(k.replace(/^\w+:/, ''));
  return out.sort();
}

/**
 * Identity of the running engine build: the package version plus the size and time of the bundle
 * (or module) this runs from and of the engine bundle the CLI loads beside it.
 */
export function engineBuildId(version: string): string {
  const parts = [version];
  for (const file of [__filename, path.join(__dirname, 'engine.js')]) {
    try {
      const stat = fs.statSync(file);
      parts.push(`${stat.size}.${Math.round(stat.mtimeMs)}`);
    } catch {
      // not beside it (tests run from the sources)
    }
  }
  return parts.join('+');
}
