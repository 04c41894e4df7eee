/**
 * One-off scripts kept beside a deployable's package.json (`fix-consents.js`, `check-user-schema.js`,
 * `add-marketing-column.js`): a file directly in the deployable's root folder, when the deployable's code
 * lives in source folders below it, that nothing runs: no other analysed file names it (an import or
 * a require would), and neither the package.json (`main`, `bin`, scripts) nor a Dockerfile or Procfile
 * beside it, nor a compose file there or at the workspace root, does. Such a file is run by hand, if at all; a connection string it hard-codes is not
 * where the deployed service connects. An `index` file is kept (`node .` runs it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceFile } from 'ts-morph';
import type { SystemModel } from '../model';
import type { ServiceInfo } from '../workspace/services';

const RUN_FILES = ['package.json', 'Dockerfile', 'Procfile', 'docker-compose.yml', 'docker-compose.yaml', 'compose.yml', 'compose.yaml'];
const memo = new WeakMap<SystemModel, Map<SourceFile, boolean>>();

export function looseRootScript(model: SystemModel, service: ServiceInfo, file: SourceFile): boolean {
  let known = memo.get(model);
  if (!known) memo.set(model, known = new Map());
  let out = known.get(file);
  if (out === undefined) known.set(file, out = compute(model, service, file));
  return out;
}

function compute(model: SystemModel, service: ServiceInfo, file: SourceFile): boolean {
  const rel = model.relOf(file);
  const dir = path.posix.dirname(rel);
  if (!service.paths.includes(dir)) return false;
  const stem = path.posix.basename(rel).replace(/\.[cm]?[jt]sx?$/, '');
  if (stem === 'index' || !stem) return false;
  // The deployable's code lives below its root (src/, app/...): files at the root are configuration or scripts.
  const own = model.files.filter((f) => model.serviceOf(f.sourceFile) === service);
  if (!own.some((f) => path.posix.dirname(f.rel) !== dir)) return false;
  const named = new RegExp(`(?<![\\w-])${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`);
  const places = [...RUN_FILES.map((name) => path.join(dir, name)), ...RUN_FILES.slice(3)];
  for (const place of places) {
    let text: string | undefined;
    try {
      text = fs.readFileSync(path.join(model.root, place), 'utf8');
    } catch {
      continue;
    }
    if (named.test(text)) return false;
  }
  return !model.files.some((f) => f.sourceFile !== file && named.test(f.sourceFile.getFullText()));
}
