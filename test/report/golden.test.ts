/**
 * Golden files for the example's review report: every document, byte for
 * byte. `UPDATE_GOLDEN=1 node --import tsx --test test/report/golden.test.ts`
 * rewrites them (check the diff before committing).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MARKER, REPORT_FILES, renderReport } from '../../server/src/report';
import { EXAMPLE, GOLDEN_DIR, asMap, diffLines, renderExample } from './helpers';

const update = process.env.UPDATE_GOLDEN === '1';

test('the report has every document, each starting with the generated-file marker', () => {
  const docs = asMap(renderExample());
  assert.deepEqual([...docs.keys()].sort(), Object.values(REPORT_FILES).sort());
  for (const [name, content] of docs) {
    assert.equal(content.split('\n')[0], MARKER, `${name} starts with the marker`);
    assert.ok(content.endsWith('\n') && !content.endsWith('\n\n'), `${name} ends with exactly one newline`);
  }
});

test('golden files: the example renders to the committed documents', () => {
  const docs = asMap(renderExample());
  if (update) {
    fs.rmSync(GOLDEN_DIR, { recursive: true, force: true });
    fs.mkdirSync(GOLDEN_DIR, { recursive: true });
    for (const [name, content] of docs) fs.writeFileSync(path.join(GOLDEN_DIR, name), content);
    return;
  }
  const committed = fs.existsSync(GOLDEN_DIR) ? fs.readdirSync(GOLDEN_DIR).sort() : [];
  assert.deepEqual(committed, [...docs.keys()].sort(), 'one golden file per document (run with UPDATE_GOLDEN=1 to create them)');
  for (const [name, content] of docs) {
    const golden = fs.readFileSync(path.join(GOLDEN_DIR, name), 'utf8');
    if (golden === content) continue;
    const hunks = diffLines(golden, content).slice(0, 3)
      .map((h) => [...h.removed.map((l) => `- ${l}`), ...h.added.map((l) => `+ ${l}`)].join('\n')).join('\n...\n');
    assert.fail(`${name} differs from test/report/golden/${name} (UPDATE_GOLDEN=1 rewrites it after you check the diff):\n${hunks}`);
  }
});

test('regenerating gives identical bytes', () => {
  const first = renderReport({ root: EXAMPLE });
  const second = renderReport({ root: EXAMPLE });
  assert.deepEqual(second.files, first.files);
});

test('the documents contain no absolute paths and no timestamps', () => {
  const docs = asMap(renderExample());
  const root = path.resolve(__dirname, '..', '..');
  for (const [name, content] of docs) {
    assert.ok(!content.includes(root), `${name} contains the repository path`);
    assert.ok(!/\]\(\/|\]\([A-Za-z]:[\\/]|file:\/\//.test(content), `${name} has an absolute link`);
    assert.ok(!/\b20\d\d-\d\d-\d\d(T|\b)/.test(content), `${name} contains a date`);
  }
});

test('every section the seeds ask for is present', () => {
  const docs = asMap(renderExample());
  const expect = (file: string, headings: string[]) => {
    for (const h of headings) assert.ok(docs.get(file)!.includes(`\n${h}\n`), `${file} has "${h}"`);
  };
  expect('README.md', ['## Documents', '## Summary', '## Open findings by rule']);
  expect('service-map.md', ['## Services', '## Datastores', '## Ownership boundary violations', '## Interactions']);
  expect('contracts.md', ['## Channels', '### Drift between the architecture file and the code', '## Synchronous APIs']);
  expect('consistency-note.md', ['## Recorded consistency decisions', '## Message flows', '## Idempotency keys', '## Sagas and compensations', '## Two-phase commit and distributed locks']);
  expect('decisions.md', ['## Consistency decision table', '## Pattern selection matrix', '| Concern | Pattern | Rationale | Trade-off |']);
  expect('failure-modes.md', ['## Failure scenario table', '### Channels', '### Synchronous calls', '### Datastores', '## Signals for stuck, duplicated or divergent work']);
  expect('findings.md', ['## Open findings', '## Suppressed findings', '## Recorded justifications']);
  const map = docs.get('service-map.md')!;
  assert.match(map, /!\[[^\]]+\]\(service-map\.svg\)/);
  assert.match(map, /```mermaid\nflowchart LR\n/);
  const failure = docs.get('failure-modes.md')!;
  for (const scenario of ['Duplicate delivery', 'Reordering', 'Poison message', 'Consumer crash mid-processing', 'Broker partition', 'Timeout', 'Partial failure', 'Loss of primary']) {
    assert.ok(failure.includes(`| ${scenario}: `), `failure-modes.md has "${scenario}" rows`);
  }
});
