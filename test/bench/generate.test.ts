/**
 * The benchmark's synthetic workspace generator: deterministic for a seed,
 * about the requested size, and code every rule has work on (so the
 * benchmark times a real analysis, not an empty one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fg from 'fast-glob';
import { analyze } from '../../server/src/engine/analyze';

// The generator is plain ESM JavaScript under scripts/bench.
const load = () => import('../../scripts/bench/generate.mjs');

function treeHash(root: string): string {
  const h = createHash('sha1');
  for (const rel of fg.sync('**/*', { cwd: root, dot: true }).sort()) h.update(rel).update(fs.readFileSync(path.join(root, rel)));
  return h.digest('hex');
}

test('the synthetic workspace is deterministic for a seed and about the requested size', async () => {
  const { generate } = await load();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-bench-'));
  const a = generate(path.join(tmp, 'a'), { files: 128, seed: 7 });
  const b = generate(path.join(tmp, 'b'), { files: 128, seed: 7 });
  const c = generate(path.join(tmp, 'c'), { files: 128, seed: 8 });
  assert.equal(treeHash(path.join(tmp, 'a')), treeHash(path.join(tmp, 'b')));
  assert.notEqual(treeHash(path.join(tmp, 'a')), treeHash(path.join(tmp, 'c')));
  assert.ok(Math.abs(a.files - 128) <= 16, `${a.files} files`);
  assert.equal(a.files, fg.sync('**/*.ts', { cwd: path.join(tmp, 'a') }).length);
  assert.ok(a.hubs.length && a.leaves.length);
  assert.equal(b.files, a.files);
  assert.ok(c.files > 0);
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('every cross-service rule has findings in the synthetic workspace', async () => {
  const { generate } = await load();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-bench-'));
  generate(tmp, { files: 128, seed: 1 });
  const result = await analyze({ root: tmp });
  const rules = new Set(result.findings.map((f) => f.ruleId));
  for (const id of ['non-idempotent-consumer', 'missing-correlation-id', 'dual-write', 'shared-database']) {
    assert.ok(rules.has(id), `${id} in ${[...rules].join(', ')}`);
  }
  assert.equal(result.skipped.length, 0);
  fs.rmSync(tmp, { recursive: true, force: true });
});
