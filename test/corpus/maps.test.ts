/**
 * The rendered service maps of dev corpus repositories (test/corpus/maps, written by `npm run maps`):
 * each names the pinned commit it was drawn from and is a grouped Mermaid map with one edge per pair.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MAP_REPOSITORIES } from '../../scripts/corpusMaps';

const DIR = path.join(__dirname, 'maps');

for (const name of MAP_REPOSITORIES) {
  test(`the service map of ${name} is kept, drawn at the pinned commit, one edge per pair`, () => {
    const page = fs.readFileSync(path.join(DIR, `${name}.md`), 'utf8');
    const entry = JSON.parse(fs.readFileSync(path.join(__dirname, 'repositories', `${name}.json`), 'utf8'));
    assert.equal(entry.split, 'dev');
    assert.ok(page.includes(`at commit \`${entry.commit}\``), 'names the pinned commit');
    assert.match(page, /drawn by distributed-patterns at commit [0-9a-f]{12}/);
    assert.ok(page.includes(`distributed-patterns model ${name} --format mermaid`), 'names the command');
    const mermaid = /```mermaid\n([\s\S]*?)\n```/.exec(page)?.[1] ?? '';
    assert.match(mermaid, /^flowchart LR\n {2}subgraph services\["Services"\]\n/);
    const pairs = mermaid.split('\n').map((l) => /^ {2}(\S+) (?:-->|-\.->|---|-\.-)(?:\|"[^"]*"\|)? (\S+)$/.exec(l)).filter((m) => m).map((m) => `${m![1]}>${m![2]}`);
    assert.ok(pairs.length > 0, 'has edges');
    assert.equal(new Set(pairs).size, pairs.length, 'no duplicate edges');
  });
}
