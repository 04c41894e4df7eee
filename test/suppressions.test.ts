/**
 * In-source suppressions (`// distributed-patterns-disable-next-line <rule-id> -- <reason>`)
 * and rule severities from the `rules:` section of architecture.yaml, end to end through analyzeSync.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSync } from '../server/src/engine/analyze';
import type { Finding } from '../server/src/engine/types';
import { removeWorkspace, writeWorkspace } from './support/workspace';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

function analyze(files: Record<string, string>): Finding[] {
  const root = writeWorkspace(files);
  try {
    return analyzeSync({ root }).findings;
  } finally {
    removeWorkspace(root);
  }
}

const at = (f: Finding) => `${f.ruleId}@${f.location.file}:${f.location.range.start.line}`;
const summary = (findings: Finding[]) =>
  findings.map((f) => ({ at: at(f), suppressed: f.suppressed }));

const DIRECTIVE = 'distributed-patterns-disable-next-line';

/** Two advisory locks (lines 5 and 7), with `comment` on line 4. */
const twoLocks = (comment: string) => lines(
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  'export async function migrate() {',
  `  ${comment}`,
  "  await pool.query('SELECT pg_advisory_lock(1)');",
  '  // unrelated comment',
  "  await pool.query('SELECT pg_advisory_lock(2)');",
  '}',
);

/** One query that is both a lock and a 2PC statement, on line 5, under `comment` on line 4. */
const lockAndTwoPhase = (comment: string) => lines(
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  'export async function settle(gid: string) {',
  `  ${comment}`,
  "  await pool.query(`SELECT pg_advisory_xact_lock(42); PREPARE TRANSACTION '${gid}'`);",
  '}',
);

describe('disable-next-line directives', () => {
  it('a directive with a reason suppresses the next line: the finding stays, marked inSource with the reason', () => {
    const findings = analyze({ 'src/index.ts': twoLocks(`// ${DIRECTIVE} unjustified-distributed-lock -- runs once per deploy, before any replica starts`) });
    assert.deepEqual(summary(findings), [
      {
        at: 'unjustified-distributed-lock@src/index.ts:5',
        suppressed: { kind: 'inSource', justification: 'runs once per deploy, before any replica starts' },
      },
      { at: 'unjustified-distributed-lock@src/index.ts:7', suppressed: undefined },
    ]);
  });

  it('suppressing keeps the rest of the finding (rule, message, severity) unchanged', () => {
    const [plain] = analyze({ 'src/index.ts': twoLocks('// nothing to see') });
    const [suppressed] = analyze({ 'src/index.ts': twoLocks(`// ${DIRECTIVE} unjustified-distributed-lock -- reviewed`) });
    const { suppressed: mark, ...rest } = suppressed;
    assert.deepEqual(mark, { kind: 'inSource', justification: 'reviewed' });
    assert.deepEqual(rest, plain);
  });

  it('does not suppress another rule reported on the same line', () => {
    const findings = analyze({ 'src/index.ts': lockAndTwoPhase(`// ${DIRECTIVE} unjustified-distributed-lock -- the lock is deliberate`) });
    assert.deepEqual(summary(findings), [
      { at: 'unjustified-distributed-lock@src/index.ts:5', suppressed: { kind: 'inSource', justification: 'the lock is deliberate' } },
      { at: 'unjustified-two-phase-commit@src/index.ts:5', suppressed: undefined },
    ]);
  });

  it('names several rules, comma-separated', () => {
    const findings = analyze({ 'src/index.ts': lockAndTwoPhase(`// ${DIRECTIVE} unjustified-distributed-lock, unjustified-two-phase-commit -- ledger cut-over script`) });
    assert.deepEqual(findings.map((f) => [at(f), f.suppressed?.justification]), [
      ['unjustified-distributed-lock@src/index.ts:5', 'ledger cut-over script'],
      ['unjustified-two-phase-commit@src/index.ts:5', 'ledger cut-over script'],
    ]);
  });

  it('applies to the next line only: not two lines down, not its own line', () => {
    const code = lines(
      "import { Pool } from 'pg';",
      'const pool = new Pool();',
      'export async function migrate() {',
      `  // ${DIRECTIVE} unjustified-distributed-lock -- too far away`,
      '',
      "  await pool.query('SELECT pg_advisory_lock(1)');",
      `  await pool.query('SELECT pg_advisory_lock(2)'); // ${DIRECTIVE} unjustified-distributed-lock -- same line`,
      '}',
    );
    assert.deepEqual(summary(analyze({ 'src/index.ts': code })), [
      { at: 'unjustified-distributed-lock@src/index.ts:6', suppressed: undefined },
      { at: 'unjustified-distributed-lock@src/index.ts:7', suppressed: undefined },
    ]);
  });

  it('applies to its own file only', () => {
    const findings = analyze({
      'src/a.ts': lines(`// ${DIRECTIVE} unjustified-distributed-lock -- only here`, 'export const a = 1;'),
      'src/b.ts': lines(
        "import { Pool } from 'pg';",
        "export const lock = (pool: Pool) => pool.query('SELECT pg_advisory_lock(1)');",
      ),
    });
    assert.deepEqual(summary(findings), [{ at: 'unjustified-distributed-lock@src/b.ts:2', suppressed: undefined }]);
  });

  it('a block comment works like a line comment', () => {
    const findings = analyze({ 'src/index.ts': twoLocks(`/* ${DIRECTIVE} unjustified-distributed-lock -- deploy-time only */`) });
    assert.deepEqual(findings.map((f) => f.suppressed?.justification), ['deploy-time only', undefined]);
  });

  it('a directive without a reason still suppresses, and is itself reported by unexplained-suppression', () => {
    const findings = analyze({ 'src/index.ts': twoLocks(`// ${DIRECTIVE} unjustified-distributed-lock`) });
    assert.deepEqual(summary(findings), [
      { at: 'unexplained-suppression@src/index.ts:4', suppressed: undefined },
      { at: 'unjustified-distributed-lock@src/index.ts:5', suppressed: { kind: 'inSource', justification: '' } },
      { at: 'unjustified-distributed-lock@src/index.ts:7', suppressed: undefined },
    ]);
    assert.equal(findings[0]!.messageId, 'noReason');
  });

  it('a directive with an unknown rule id suppresses nothing', () => {
    const findings = analyze({ 'src/index.ts': twoLocks(`// ${DIRECTIVE} unjustified-lock -- typo`) });
    assert.deepEqual(summary(findings), [
      { at: 'unexplained-suppression@src/index.ts:4', suppressed: undefined },
      { at: 'unjustified-distributed-lock@src/index.ts:5', suppressed: undefined },
      { at: 'unjustified-distributed-lock@src/index.ts:7', suppressed: undefined },
    ]);
  });

  it('a directive without a rule id silences every rule on the next line, and is reported', () => {
    const findings = analyze({ 'src/index.ts': lockAndTwoPhase(`// ${DIRECTIVE} -- all of it`) });
    assert.deepEqual(summary(findings), [
      { at: 'unexplained-suppression@src/index.ts:4', suppressed: undefined },
      { at: 'unjustified-distributed-lock@src/index.ts:5', suppressed: { kind: 'inSource', justification: 'all of it' } },
      { at: 'unjustified-two-phase-commit@src/index.ts:5', suppressed: { kind: 'inSource', justification: 'all of it' } },
    ]);
    assert.equal(findings[0]!.messageId, 'noRule');
  });

  it('a directive on the last line of a file is harmless', () => {
    assert.deepEqual(analyze({ 'src/index.ts': `export const x = 1;\n// ${DIRECTIVE} dual-write -- nothing follows` }), []);
  });
});

describe('rule severities from architecture.yaml', () => {
  const code = twoLocks('// no directive');
  const severities = (findings: Finding[]) => findings.map((f) => `${at(f)} ${f.severity}`);

  it('without a rules section each rule reports at its default severity', () => {
    assert.deepEqual(severities(analyze({ 'src/index.ts': code })), [
      'unjustified-distributed-lock@src/index.ts:5 warning',
      'unjustified-distributed-lock@src/index.ts:7 warning',
    ]);
  });

  it('off removes the rule: its findings are not in the output at all', () => {
    const findings = analyze({ 'src/index.ts': code, 'architecture.yaml': lines('rules:', '  unjustified-distributed-lock: off') });
    assert.deepEqual(severities(findings), []);
  });

  it('error raises the severity', () => {
    const findings = analyze({ 'src/index.ts': code, 'architecture.yaml': lines('rules:', '  unjustified-distributed-lock: error') });
    assert.deepEqual(severities(findings), [
      'unjustified-distributed-lock@src/index.ts:5 error',
      'unjustified-distributed-lock@src/index.ts:7 error',
    ]);
  });

  it('warning and info lower the severity of a rule that defaults to error', () => {
    const badArchitecture = (severity: string) => lines('rules:', `  invalid-architecture: ${severity}`, 'services: [oops');
    const [warning] = analyze({ 'architecture.yaml': badArchitecture('warning') });
    assert.equal(warning?.ruleId, 'invalid-architecture');
    assert.equal(warning?.severity, 'warning');
    const [info] = analyze({ 'architecture.yaml': badArchitecture('info') });
    assert.equal(info?.severity, 'info');
    assert.deepEqual(analyze({ 'architecture.yaml': badArchitecture('off') }), []);
  });

  it('a severity change applies to suppressed findings too, and off for unexplained-suppression silences it', () => {
    const findings = analyze({
      'src/index.ts': twoLocks(`// ${DIRECTIVE} unjustified-distributed-lock`),
      'architecture.yaml': lines('rules:', '  unjustified-distributed-lock: error', '  unexplained-suppression: off'),
    });
    assert.deepEqual(summary(findings), [
      { at: 'unjustified-distributed-lock@src/index.ts:5', suppressed: { kind: 'inSource', justification: '' } },
      { at: 'unjustified-distributed-lock@src/index.ts:7', suppressed: undefined },
    ]);
    assert.deepEqual(findings.map((f) => f.severity), ['error', 'error']);
  });

  it('other rules keep their defaults', () => {
    const findings = analyze({
      'src/index.ts': lockAndTwoPhase('// no directive'),
      'architecture.yaml': lines('rules:', '  unjustified-two-phase-commit: error'),
    });
    assert.deepEqual(severities(findings), [
      'unjustified-distributed-lock@src/index.ts:5 warning',
      'unjustified-two-phase-commit@src/index.ts:5 error',
    ]);
  });

  it('an invalid severity is reported and the rule keeps its default', () => {
    const findings = analyze({ 'src/index.ts': code, 'architecture.yaml': lines('rules:', '  unjustified-distributed-lock: warn') });
    assert.deepEqual(severities(findings), [
      'invalid-architecture@architecture.yaml:2 error',
      'unjustified-distributed-lock@src/index.ts:5 warning',
      'unjustified-distributed-lock@src/index.ts:7 warning',
    ]);
  });

  it('the rules section still applies when another part of the file is invalid', () => {
    const findings = analyze({
      'src/index.ts': code,
      'architecture.yaml': lines('apis:', '  pay:', '    provider: payments', '    timeoutMs: "2s"', 'rules:', '  unjustified-distributed-lock: off'),
    });
    assert.ok(findings.length > 0 && findings.every((f) => f.ruleId === 'invalid-architecture'), JSON.stringify(findings.map(at)));
  });
});
