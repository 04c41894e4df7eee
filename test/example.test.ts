/**
 * The bundled example is the demo: every deliberate mistake listed in
 * examples/checkout/expected-findings.json is found at its line, nothing
 * else is, and the correct patterns stay silent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeSync } from '../server/src/engine/analyze';

const root = path.resolve(__dirname, '..', 'examples', 'checkout');
const expected = JSON.parse(fs.readFileSync(path.join(root, 'expected-findings.json'), 'utf8')) as {
  findings: { rule: string; file: string; line: number; why: string }[];
  clean: { file: string; line: number; rules: string[]; why: string }[];
};
const result = analyzeSync({ root });
const open = result.findings.filter((f) => !f.suppressed);
const key = (rule: string, file: string, line: number) => `${rule} ${file}:${line}`;

describe('examples/checkout', () => {
  it('reports exactly the deliberate mistakes', () => {
    const actual = open.map((f) => key(f.ruleId, f.location.file, f.location.range.start.line)).sort();
    const wanted = expected.findings.map((f) => key(f.rule, f.file, f.line)).sort();
    assert.deepEqual(actual, wanted);
  });

  it('covers every code rule at least once', () => {
    const rules = new Set(open.map((f) => f.ruleId));
    for (const rule of ['non-idempotent-consumer', 'missing-correlation-id', 'shared-database', 'unjustified-two-phase-commit', 'unjustified-distributed-lock', 'dual-write']) {
      assert.ok(rules.has(rule), `no ${rule} finding in the example`);
    }
  });

  it('stays silent on the correct patterns', () => {
    for (const clean of expected.clean) {
      const hits = open.filter((f) => f.location.file === clean.file && clean.rules.includes(f.ruleId) &&
        Math.abs(f.location.range.start.line - clean.line) <= 1);
      assert.deepEqual(hits.map((f) => `${f.ruleId} ${f.location.file}:${f.location.range.start.line}`), [], clean.why);
    }
  });

  it('has a valid architecture file and analyses every source file', () => {
    assert.equal(result.architectureFile, 'architecture.yaml');
    assert.equal(result.findings.filter((f) => f.ruleId === 'invalid-architecture').length, 0);
    assert.deepEqual(result.skipped, []);
    assert.ok(result.filesAnalyzed >= 20);
  });

  it('gives every finding a message, a fix hint and a docs link', () => {
    for (const f of open) {
      assert.ok(f.message.length > 40 && f.hint.length > 20, f.ruleId);
      assert.ok(result.rules.find((r) => r.id === f.ruleId)?.docsUrl.endsWith(`${f.ruleId}.md`));
    }
  });
});
