/**
 * `module-alias` (`require('module-alias/register')` with `_moduleAliases` in package.json):
 * `require('@generics/kafka-communication')` in a JavaScript service names `generics/kafka-communication`
 * of the package. Read as `paths` of the package's folder (absolute targets, so they merge with a
 * tsconfig's own `paths` whatever its `baseUrl`), as `tsc` would resolve them with the same mapping.
 */
import * as path from 'node:path';
import type { Notice } from '../api';
import { manifestFields } from './files';

/** Root-relative package folder ('' for the root) -> `paths` entries with absolute targets. */
export function readModuleAliases(root: string, overlays?: Map<string, string>, notices: Notice[] = []): Map<string, Record<string, string[]>> {
  const out = new Map<string, Record<string, string[]>>();
  for (const { rel, value: aliases } of manifestFields(root, '_moduleAliases', overlays)) {
    if (typeof aliases !== 'object' || aliases === null || Array.isArray(aliases)) {
      notices.push({ kind: 'configuration', file: rel, message: `${rel}: _moduleAliases is not an object of alias names; ignored` });
      continue;
    }
    const dir = path.posix.dirname(rel);
    const base = path.join(root, dir);
    const paths: Record<string, string[]> = {};
    for (const [alias, target] of Object.entries(aliases)) {
      if (typeof target !== 'string' || alias.includes('*')) continue;
      const abs = path.resolve(base, target);
      paths[alias] = [abs];
      paths[`${alias}/*`] = [`${abs}/*`];
    }
    if (Object.keys(paths).length) out.set(dir === '.' ? '' : dir, paths);
  }
  return out;
}
