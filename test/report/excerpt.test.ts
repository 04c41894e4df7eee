/**
 * docs/report-excerpt.md: a "Review report" section with an excerpt of the
 * example's report, rendered as if the report lived in docs/ so its links
 * resolve from there. Kept in step with the generator like the golden files
 * (`UPDATE_GOLDEN=1` rewrites it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderReport } from '../../server/src/report';
import { EXAMPLE, REPO_ROOT, diffLines } from './helpers';

const EXCERPT = path.join(REPO_ROOT, 'docs', 'report-excerpt.md');

/** The lines under a heading, up to the next heading of the same or a higher level (heading excluded). */
function section(markdown: string, headingLine: string): string {
  const lines = markdown.split('\n');
  const start = lines.indexOf(headingLine);
  assert.ok(start >= 0, `missing heading ${headingLine}`);
  const level = /^#+/.exec(headingLine)![0].length;
  let end = start + 1;
  while (end < lines.length && !(/^#+ /.test(lines[end]) && /^#+/.exec(lines[end])![0].length <= level)) end++;
  return lines.slice(start + 1, end).join('\n').trim();
}

function buildExcerpt(): string {
  const report = renderReport({ root: EXAMPLE, outDir: path.join(REPO_ROOT, 'docs') });
  const doc = (name: string) => report.files.find((f) => f.name === name)!.content;
  return [
    '## Review report',
    '',
    '`distributed-patterns report` (and the VS Code command "Distributed Patterns: Generate Review Report") writes the',
    'design-review documents the seeds ask for into `docs/distributed/`: an index, a service and ownership map (SVG, with',
    'its Mermaid source), the contract list, a consistency note, the consistency decision table and pattern selection',
    'matrix, a failure-mode catalogue, the findings with their justifications, and the open questions. Every row links to',
    'the code or architecture-file line it comes from, and the output is deterministic, so a regenerated report diffs',
    'cleanly. A file at a target path that a person wrote (no generated-file marker on its first line) is never overwritten',
    'unless `--force` is given.',
    '',
    'An excerpt for [`examples/checkout`](../examples/checkout/) (the full report is in',
    '[test/report/golden](../test/report/golden/README.md), rendered for `examples/checkout/docs/distributed/`;',
    'this excerpt is checked against the generator by `test/report/excerpt.test.ts`):',
    '',
    '![Service and ownership map of the checkout example](../test/report/golden/service-map.svg)',
    '',
    '### Contract list: channels',
    '',
    section(doc('contracts.md'), '## Channels').replace(/\n### Publishes whose channel[\s\S]*$/, '').trim().replace(/^### /m, '#### '),
    '',
    '### Failure scenarios for `order.created`',
    '',
    section(doc('failure-modes.md'), `#### \`order.created\` (kafka, orders → payments)`),
    '',
    '### Two-phase commit and distributed locks',
    '',
    section(doc('consistency-note.md'), '## Two-phase commit and distributed locks'),
    '',
  ].join('\n');
}

test('docs/report-excerpt.md matches the current generator', () => {
  const excerpt = buildExcerpt();
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.writeFileSync(EXCERPT, excerpt);
    return;
  }
  const committed = fs.existsSync(EXCERPT) ? fs.readFileSync(EXCERPT, 'utf8') : '';
  if (committed === excerpt) return;
  const hunks = diffLines(committed, excerpt).slice(0, 3)
    .map((h) => [...h.removed.map((l) => `- ${l}`), ...h.added.map((l) => `+ ${l}`)].join('\n')).join('\n...\n');
  assert.fail(`docs/report-excerpt.md is stale (UPDATE_GOLDEN=1 rewrites it):\n${hunks}`);
});

test('the excerpt links resolve from docs/', () => {
  const excerpt = fs.readFileSync(EXCERPT, 'utf8');
  const links = [...excerpt.matchAll(/\]\(([^)#\s]+)(?:#L(\d+))?\)/g)];
  assert.ok(links.length > 10);
  for (const [, target, line] of links) {
    const abs = path.resolve(path.dirname(EXCERPT), decodeURIComponent(target));
    assert.ok(fs.existsSync(abs), `${target} exists`);
    if (line) assert.ok(Number(line) <= fs.readFileSync(abs, 'utf8').split('\n').length, `${target}#L${line} is inside the file`);
  }
});
