/**
 * Node's subpath imports (`"imports": { "#connectors/*": { "dev-import": "./src/connectors/*",
 * "default": "./build/connectors/*" } }` in a package.json): `import { SearchService } from
 * '#connectors/searchService.js'` names a file of that package. Read as `paths` of the package's
 * folder (absolute targets), every condition's target in order, and a target into built output also
 * where its source usually is (workspace/packageEntries.ts), as `tsc` with the package's conditions
 * would resolve them; a candidate that names no workspace file is skipped by the resolver.
 */
import * as path from 'node:path';
import type { Notice } from '../api';
import { findConfigFiles, readOptional } from './files';
import { exportTargets, sourceCandidates } from './packageEntries';
import { isObject } from './tsconfigs';

/** Root-relative package folder ('' for the root) -> `paths` entries with absolute targets. */
export function readSubpathImports(root: string, overlays?: Map<string, string>, notices: Notice[] = []): Map<string, Record<string, string[]>> {
  const out = new Map<string, Record<string, string[]>>();
  for (const rel of findConfigFiles(root, ['**/package.json'])) {
    const text = readOptional(path.join(root, rel), overlays, root);
    if (!text || !text.includes('"imports"')) continue;
    let imports: unknown;
    try {
      imports = (JSON.parse(text) as { imports?: unknown }).imports;
    } catch {
      continue; // an unreadable package.json is reported where package manifests are read
    }
    if (imports === undefined) continue;
    if (!isObject(imports)) {
      notices.push({ kind: 'configuration', file: rel, message: `${rel}: imports is not an object of "#" specifiers; ignored` });
      continue;
    }
    const dir = path.posix.dirname(rel);
    const paths: Record<string, string[]> = {};
    for (const [key, target] of Object.entries(imports)) {
      if (!key.startsWith('#')) continue;
      const candidates = exportTargets(target).flatMap((t) => sourceCandidates('', t)).map((c) => path.join(root, dir, c));
      if (candidates.length) paths[key] = [...new Set(candidates)];
    }
    if (Object.keys(paths).length) out.set(dir === '.' ? '' : dir, paths);
  }
  return out;
}
