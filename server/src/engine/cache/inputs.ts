/**
 * Every input a whole-workspace analysis can read, hashed by content: source
 * files, the architecture file, package.json / tsconfig / compose / .env /
 * Dockerfile / schema.prisma files, and the `apps/*` and `services/*`
 * folders that name services. The set is a deliberate superset of what the
 * engine reads today (every JSON, YAML and .prisma file, `build/` and `out/`
 * folders too), so a reader added to the engine later cannot make the cache
 * serve a stale result; the price is an occasional needless re-analysis.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';
import { MAX_FILE_BYTES, SOURCE_GLOB, SOURCE_WALK_IGNORE, toRel } from '../workspace/files';
import { isRefusal, readBounded } from '../workspace/safeRead';

const CONFIG_GLOBS = [
  '**/*.{json,jsonc,yaml,yml,prisma}',
  '**/.env', '**/.env.*',
  '**/Dockerfile', '**/Dockerfile.*', '**/*.Dockerfile',
];
const SERVICE_DIR_GLOBS = ['apps/*', 'services/*'];
/** Folders never read by the engine and never worth hashing. */
const NEVER = ['**/node_modules/**', '**/.git/**'];

export interface InputsOptions {
  root: string;
  /** Architecture file given explicitly (absolute or root-relative); it may lie outside the root. */
  architectureFile?: string;
  /** Editor buffers overriding the disk, by absolute path. */
  overlays?: Map<string, string>;
  /** Absolute paths that are not inputs (the cache file itself). */
  exclude?: string[];
}

/** Input key (`file:<rel>`, `dir:<rel>`) → content hash. Deterministic order. */
export function collectInputs(options: InputsOptions): Map<string, string> {
  const root = path.resolve(options.root);
  const exclude = new Set((options.exclude ?? []).map((p) => path.resolve(p)));
  const inputs = new Map<string, string>();
  const files = fg.sync([SOURCE_GLOB, ...CONFIG_GLOBS], {
    cwd: root, ignore: [...SOURCE_WALK_IGNORE, ...NEVER],
    dot: true, followSymbolicLinks: false, onlyFiles: true, suppressErrors: true,
  }).sort();
  for (const rel of files) {
    const abs = path.join(root, rel);
    if (exclude.has(abs)) continue;
    inputs.set(`file:${rel}`, hashFile(abs, options.overlays));
  }
  for (const rel of fg.sync(SERVICE_DIR_GLOBS, { cwd: root, onlyDirectories: true, followSymbolicLinks: false, suppressErrors: true }).sort()) {
    inputs.set(`dir:${rel}`, 'd');
  }
  if (options.architectureFile) {
    const abs = path.resolve(root, options.architectureFile);
    inputs.set(`arch:${toRel(root, abs)}`, hashFile(abs, options.overlays));
  }
  return inputs;
}

/** Content hash of a file (an overlay wins); huge files by size and mtime (the engine only stats them); `-` when unreadable. */
function hashFile(abs: string, overlays?: Map<string, string>): string {
  const overlay = overlays?.get(abs);
  if (overlay !== undefined) return digest(overlay);
  try {
    const stat = fs.statSync(abs);
    if (!stat.isFile()) return 'not-a-file';
    if (stat.size > 2 * MAX_FILE_BYTES) return `large:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return '-';
  }
  // Bounded and non-blocking: a file swapped for a FIFO, or a /proc file reporting size 0, is not read on.
  const bytes = readBounded(abs, 2 * MAX_FILE_BYTES);
  return isRefusal(bytes) ? `unread:${bytes.reason}` : digest(bytes);
}

export function digest(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('base64').slice(0, 27);
}

/** One hash over all inputs. */
export function combine(inputs: Map<string, string>): string {
  const h = createHash('sha1');
  for (const [k, v] of inputs) h.update(k).update('\0').update(v).update('\n');
  return h.digest('hex');
}
