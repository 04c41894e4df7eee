import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatJson } from '../../server/src/cli/formatters/json';
import type { ReportInput } from '../../server/src/cli/formatters/types';
import type { Finding } from '../../server/src/engine/types';
import { RULES, finding } from './helpers';

const version: string = require('../../package.json').version;

function input(findings: Finding[]): ReportInput {
  return {
    root: '/workspace/shop',
    cwd: '/workspace/shop',
    architectureFile: 'architecture.yaml',
    findings,
    rules: RULES,
    filesAnalyzed: 7,
    skipped: [{ file: 'z.ts', reason: 'binary' }, { file: 'a.ts', reason: 'too large' }],
  };
}

describe('json formatter', () => {
  const findings = [
    finding({ file: 'src/b.ts', line: 2, column: 1, ruleId: 'dual-write', severity: 'warning' }),
    finding({ file: 'src/a.ts', line: 10, column: 3, ruleId: 'non-idempotent-consumer' }),
    finding({ file: 'src/a.ts', line: 10, column: 3, ruleId: 'dual-write', severity: 'warning' }),
    finding({ file: 'src/a.ts', line: 2, column: 9, severity: 'info', ruleId: 'missing-correlation-id' }),
    finding({ file: 'src/a.ts', line: 2, column: 4, suppressed: { kind: 'baseline', justification: 'in baseline' } }),
  ];

  it('has the documented top-level shape and summary', () => {
    const report = JSON.parse(formatJson(input(findings), { color: false }));
    assert.deepEqual(Object.keys(report).slice(0, 6), ['version', 'root', 'architectureFile', 'findings', 'rules', 'summary']);
    assert.equal(report.version, version);
    assert.equal(report.root, '/workspace/shop');
    assert.equal(report.architectureFile, 'architecture.yaml');
    assert.deepEqual(report.summary, { errors: 1, warnings: 2, infos: 1, suppressed: 1 });
    assert.equal(report.filesAnalyzed, 7);
    assert.deepEqual(report.skipped.map((s: { file: string }) => s.file), ['a.ts', 'z.ts']);
  });

  it('orders findings by file, line, column, rule and keeps suppressed ones with their suppression', () => {
    const report = JSON.parse(formatJson(input(findings), { color: false }));
    const order = report.findings.map((f: Finding) => `${f.location.file}:${f.location.range.start.line}:${f.location.range.start.column} ${f.ruleId}`);
    assert.deepEqual(order, [
      'src/a.ts:2:4 non-idempotent-consumer',
      'src/a.ts:2:9 missing-correlation-id',
      'src/a.ts:10:3 dual-write',
      'src/a.ts:10:3 non-idempotent-consumer',
      'src/b.ts:2:1 dual-write',
    ]);
    assert.deepEqual(report.findings[0].suppressed, { kind: 'baseline', justification: 'in baseline' });
    assert.equal(report.findings[1].suppressed, undefined);
    assert.deepEqual(report.rules.map((r: { id: string }) => r.id), ['dual-write', 'missing-correlation-id', 'non-idempotent-consumer']);
  });

  it('is byte-identical whatever the input order and key order of the findings', () => {
    const reordered = [...findings].reverse().map((f) => {
      // Same data, keys inserted in a different order.
      const { fingerprint, ruleId, ...rest } = f;
      return { fingerprint, ...rest, ruleId } as Finding;
    });
    assert.equal(formatJson(input(reordered), { color: false }), formatJson(input(findings), { color: false }));
  });

  it('writes null when no architecture file was used', () => {
    const report = JSON.parse(formatJson({ ...input([]), architectureFile: undefined }, { color: false }));
    assert.equal(report.architectureFile, null);
    assert.deepEqual(report.findings, []);
  });
});
