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
import { manifestFields } from './files';
import { exportTargets, sourceCandidates } from './packageEntries';
import { isObject } from './tsconfigs';

/** Root-relative package folder ('' for the root) -> `paths` entries with absolute targets. */
export function readSubpathImports(root: string, overlays?: Map<string, string>, notices: Notice[] = []): Map<string, Record<string, string[]>> {
  const out = new Map<string, Record<string, string[]>>();
  for (const { rel, value: imports } of manifestFields(root, 'imports', overlays)) {
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
