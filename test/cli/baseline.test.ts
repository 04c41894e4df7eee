import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { applyBaseline, createBaseline, parseBaseline } from '../../server/src/cli/baseline';
import { runCli } from '../../server/src/cli/runCli';
import type { Finding } from '../../server/src/engine/types';
import { capture, fakeEngine, finding, workspace } from './helpers';

const errorA = finding({ file: 'src/a.ts', line: 3, fingerprint: 'fa' });
const warningB = finding({ file: 'src/b.ts', line: 7, severity: 'warning', ruleId: 'dual-write', fingerprint: 'fb' });
const suppressedC = finding({ file: 'src/c.ts', fingerprint: 'fc', suppressed: { kind: 'inSource', justification: 'reviewed' } });

async function cli(root: string, findings: Finding[], args: string[]) {
  const out = capture(root);
  const code = await runCli(['check', ...args], out.io, fakeEngine(findings));
  return { code, stdout: out.stdout(), stderr: out.stderr() };
}

describe('baseline round trip through the CLI', () => {
  it('--update-baseline writes current findings and exits 0; the next check suppresses them all', async () => {
    const root = workspace();
    const current = [warningB, errorA, suppressedC];

    const update = await cli(root, current, ['--baseline', 'dpat-baseline.json', '--update-baseline']);
    assert.equal(update.code, 0, 'updating never fails the run');
    assert.equal(update.stderr, 'Baseline dpat-baseline.json updated: 2 entries.\n');

    const text = fs.readFileSync(path.join(root, 'dpat-baseline.json'), 'utf8');
    assert.deepEqual(JSON.parse(text), {
      version: 1,
      entries: [
        { ruleId: 'non-idempotent-consumer', file: 'src/a.ts', fingerprint: 'fa', message: errorA.message },
        { ruleId: 'dual-write', file: 'src/b.ts', fingerprint: 'fb', message: warningB.message },
      ],
    });
    assert.ok(!/\d{4}-\d{2}-\d{2}T/.test(text), 'no timestamps');

    const again = await cli(root, current, ['--baseline', 'dpat-baseline.json']);
    assert.equal(again.code, 0);
    assert.equal(again.stdout, '\n✔ No problems found (3 suppressed)\n');

    const json = await cli(root, current, ['--baseline', 'dpat-baseline.json', '--format', 'json']);
    const suppressions = JSON.parse(json.stdout).findings.map((f: Finding) => f.suppressed);
    assert.deepEqual(suppressions, [
      { kind: 'baseline', justification: 'in baseline' },
      { kind: 'baseline', justification: 'in baseline' },
      { kind: 'inSource', justification: 'reviewed' },
    ]);

    const sarif = await cli(root, current, ['--baseline', 'dpat-baseline.json', '--format', 'sarif']);
    const kinds = JSON.parse(sarif.stdout).runs[0].results.map((r: { suppressions: { kind: string }[] }) => r.suppressions[0]!.kind);
    assert.deepEqual(kinds, ['external', 'external', 'inSource']);
  });

  it('a new finding still fails the run and is the only one listed', async () => {
    const root = workspace();
    await cli(root, [errorA, warningB], ['--baseline', 'b.json', '--update-baseline']);
    const newError = finding({ file: 'src/new.ts', line: 1, fingerprint: 'fnew', message: 'A new problem.' });
    const r = await cli(root, [errorA, warningB, newError], ['--baseline', 'b.json']);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^\nsrc\/new\.ts\n  1:1  error  A new problem\./);
    assert.ok(!r.stdout.includes('src/a.ts') && !r.stdout.includes('src/b.ts'));
    assert.match(r.stdout, /✖ 1 problem \(1 error, 0 warnings\), 2 suppressed/);
  });

  it('each entry suppresses at most one finding', async () => {
    const root = workspace();
    await cli(root, [errorA], ['--baseline', 'b.json', '--update-baseline']);
    const duplicate = { ...errorA, location: { ...errorA.location, range: { start: { line: 30, column: 1 }, end: { line: 30, column: 9 } } } };
    const r = await cli(root, [errorA, duplicate], ['--baseline', 'b.json']);
    assert.equal(r.code, 1, 'the second copy of a baselined problem is new');
    assert.match(r.stdout, /1 problem \(1 error, 0 warnings\), 1 suppressed/);
  });

  it('reports baseline entries that no longer match', async () => {
    const root = workspace();
    await cli(root, [errorA, warningB], ['--baseline', 'b.json', '--update-baseline']);
    const r = await cli(root, [warningB], ['--baseline', 'b.json']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /1 baseline entry no longer matches a finding; run with --update-baseline to prune\./);
  });

  it('an unreadable baseline is a usage error', async () => {
    const root = workspace({ 'bad.json': '{ not json', 'empty.json': '{}' });
    const bad = await cli(root, [errorA], ['--baseline', 'bad.json']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: baseline bad\.json is not valid JSON/);
    const empty = await cli(root, [errorA], ['--baseline', 'empty.json']);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^error: baseline empty\.json has no "entries" array/);
  });
});

describe('baseline functions', () => {
  it('writes the same baseline whatever the order of findings', () => {
    assert.deepEqual(createBaseline([warningB, errorA]), createBaseline([errorA, warningB]));
  });

  it('matches on rule, file and fingerprint, not on message or position', () => {
    const entries = parseBaseline(JSON.stringify(createBaseline([errorA])), 'b.json');
    const moved = { ...errorA, message: 'reworded', location: { ...errorA.location, range: { start: { line: 90, column: 2 }, end: { line: 90, column: 3 } } } };
    assert.equal(applyBaseline([moved], entries).findings[0]!.suppressed?.kind, 'baseline');
    assert.equal(applyBaseline([{ ...errorA, fingerprint: 'other' }], entries).findings[0]!.suppressed, undefined);
    assert.equal(applyBaseline([{ ...errorA, ruleId: 'dual-write' }], entries).findings[0]!.suppressed, undefined);
    assert.equal(applyBaseline([{ ...errorA, location: { ...errorA.location, file: 'src/z.ts' } }], entries).findings[0]!.suppressed, undefined);
  });

  it('does not mutate its input and leaves in-source suppressions alone', () => {
    const entries = createBaseline([errorA]).entries;
    const input = [errorA, suppressedC];
    const { findings, unmatched } = applyBaseline(input, entries);
    assert.equal(errorA.suppressed, undefined);
    assert.equal(unmatched, 0);
    assert.equal(findings.find((f) => f.fingerprint === 'fc')!.suppressed?.kind, 'inSource');
  });
});
