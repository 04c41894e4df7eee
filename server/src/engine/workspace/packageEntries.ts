/**
 * Where a workspace package's manifest points its entries: `main`, `types`, `module` and each subpath
 * of `exports` (`"./db": "./src/db/client.ts"`, conditions such as `{ "types": ..., "import": ... }`,
 * patterns such as `"./*": "./src/*.ts"`), as compiler `paths` patterns, so that
 * `import { getDb } from '@acme/shared/db'` reaches the workspace file the package exports. An entry
 * into built output (`dist/`, `lib/`, `build/`, `out/`) is also looked for where its source usually is
 * (the same path without the build folder, and under `src/`); a candidate that names no workspace
 * file is skipped by the resolver, and the caller adds the usual layouts after these.
 */
import path from 'node:path';
import { isObject } from './tsconfigs';

const EXTENSION = /\.(d\.[cm]?ts|[cm]?[jt]sx?)$/;
const BUILT = /^(dist|lib|build|out)\//;

/** `paths` entries for one package (`name` at root-relative `dir`), from its parsed manifest. */
export function packageEntryPaths(name: string, dir: string, manifest: unknown): Record<string, string[]> {
  if (!isObject(manifest)) return {};
  const out: Record<string, string[]> = {};
  const add = (key: string, targets: string[]) => {
    const candidates = targets.flatMap((t) => sourceCandidates(dir, t));
    if (candidates.length) out[key] = [...new Set([...(out[key] ?? []), ...candidates])];
  };
  const { exports } = manifest;
  if (typeof exports === 'string' || Array.isArray(exports) || (isObject(exports) && !Object.keys(exports).some((k) => k.startsWith('.')))) {
    add(name, exportTargets(exports));
  } else if (isObject(exports)) {
    for (const [sub, target] of Object.entries(exports)) {
      if (sub === '.') add(name, exportTargets(target));
      else if (sub.startsWith('./')) add(`${name}/${sub.slice(2)}`, exportTargets(target));
    }
  }
  add(name, ['types', 'typings', 'module', 'main'].map((k) => manifest[k]).filter((v): v is string => typeof v === 'string'));
  return out;
}

/** The file paths of an export target: a string, or every string among its conditions, in order. */
export function exportTargets(target: unknown): string[] {
  if (typeof target === 'string') return [target];
  if (Array.isArray(target)) return target.flatMap(exportTargets);
  if (isObject(target)) return Object.values(target).flatMap(exportTargets);
  return [];
}

/** Root-relative candidates for one target, without its extension (the resolver adds the source ones). */
export function sourceCandidates(dir: string, target: string): string[] {
  const rel = path.posix.normalize(target.replace(/^\.\//, '')).replace(EXTENSION, '');
  if (rel.startsWith('..') || path.posix.isAbsolute(rel) || (rel.match(/\*/g) ?? []).length > 1) return [];
  const out = [path.posix.join(dir, rel)];
  // `dist/src/server/index.js` is built from `src/server/index.ts`; `dist/db.js` from `src/db.ts` (or `db.ts`).
  const rest = rel.replace(BUILT, '');
  if (rest !== rel) out.push(path.posix.join(dir, rest), path.posix.join(dir, 'src', rest));
  return out;
}
