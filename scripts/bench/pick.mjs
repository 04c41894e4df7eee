/**
 * Files of a real repository to edit in the edit-latency benchmark: two hubs
 * (the workspace modules most files import) and two leaves (the message
 * handlers fewest files import), found from relative import statements.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import fg from 'fast-glob';

const BODY = /(\)|=>)\s*(:\s*[^=]+)?\{\s*$/m;
const HANDLER = /@EventPattern|@MessagePattern|eachMessage|\.consume\(|@Process\(|@RabbitSubscribe|@SqsMessageHandler/;

export function pickEditFiles(root) {
  const files = fg.sync('**/*.ts', {
    cwd: root, ignore: ['**/node_modules/**', '**/dist/**', '**/*.d.ts', '**/*.{spec,test}.ts', '**/__tests__/**', '**/test/**'],
  }).sort();
  const known = new Set(files);
  const texts = new Map(files.map((f) => [f, fs.readFileSync(path.join(root, f), 'utf8')]));
  const importers = new Map(files.map((f) => [f, 0]));
  for (const [rel, text] of texts) {
    for (const m of text.matchAll(/from\s+['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const base = path.posix.normalize(path.posix.join(path.posix.dirname(rel), m[1]));
      const target = [`${base}.ts`, `${base}/index.ts`, base].find((c) => known.has(c));
      if (target) importers.set(target, importers.get(target) + 1);
    }
  }
  const editable = (rel) => BODY.test(texts.get(rel)) && /^import\b/m.test(texts.get(rel));
  const hubs = files.filter(editable).sort((a, b) => importers.get(b) - importers.get(a)).slice(0, 2);
  const leaves = files.filter((f) => editable(f) && HANDLER.test(texts.get(f))).sort((a, b) => importers.get(a) - importers.get(b)).slice(0, 2);
  return [
    { rel: hubs[0], role: 'hub' }, { rel: leaves[0], role: 'leaf' },
    { rel: hubs[1], role: 'hub' }, { rel: leaves[1], role: 'leaf' },
  ].filter((f) => f.rel);
}
