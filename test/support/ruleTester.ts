/**
 * valid/invalid rule tests in the typescript-eslint style: each case is a
 * small workspace (files by path), and invalid cases list the exact ranges
 * (1-based line/column, end exclusive) and message ids the rule must report.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSync } from '../../server/src/engine/analyze';
import { removeWorkspace, writeWorkspace } from './workspace';

export interface ValidCase {
  name: string;
  /** Files by workspace-relative path. `code` is shorthand for `src/index.ts`. */
  files?: Record<string, string>;
  code?: string;
}

export interface ExpectedError {
  messageId: string;
  file?: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  suppressed?: boolean;
  /** The finding's severity, when the case is about it (error, warning, info). */
  severity?: string;
  /** A part of the message that must appear in it. */
  messageIncludes?: string;
  /** The finding's related locations, each `file:line:column message`, in order. */
  related?: string[];
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedError[];
}

export function filesOf(c: ValidCase): Record<string, string> {
  return { ...(c.code !== undefined ? { 'src/index.ts': c.code } : {}), ...(c.files ?? {}) };
}

export function findingsFor(ruleId: string, files: Record<string, string>) {
  const root = writeWorkspace(files);
  try {
    return analyzeSync({ root }).findings.filter((f) => f.ruleId === ruleId);
  } finally {
    removeWorkspace(root);
  }
}

export function runRuleTests(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(ruleId, () => {
    describe('valid', () => {
      for (const c of cases.valid) {
        it(c.name, () => {
          const findings = findingsFor(ruleId, filesOf(c)).filter((f) => !f.suppressed);
          assert.deepEqual(findings.map((f) => `${f.location.file}:${f.location.range.start.line}:${f.location.range.start.column} ${f.message}`), []);
        });
      }
    });
    describe('invalid', () => {
      for (const c of cases.invalid) {
        it(c.name, () => {
          const findings = findingsFor(ruleId, filesOf(c));
          const defaultFile = Object.keys(filesOf(c))[0];
          const actual = findings.map((f) => {
            const e: ExpectedError = {
              messageId: f.messageId, file: f.location.file,
              line: f.location.range.start.line, column: f.location.range.start.column,
            };
            return { e, f };
          });
          const expected = c.errors.map((e) => ({ file: defaultFile, ...e }));
          assert.equal(actual.length, expected.length,
            `expected ${expected.length} finding(s), got ${actual.length}:\n${findings.map((f) => `  ${f.location.file}:${f.location.range.start.line}:${f.location.range.start.column} [${f.messageId}] ${f.message}`).join('\n')}`);
          expected.forEach((want, i) => {
            const { e, f } = actual[i];
            assert.deepEqual(
              { messageId: e.messageId, file: e.file, line: e.line, column: e.column },
              { messageId: want.messageId, file: want.file, line: want.line, column: want.column },
              `finding ${i + 1}: ${f.message}`,
            );
            if (want.endLine !== undefined) assert.equal(f.location.range.end.line, want.endLine, 'endLine');
            if (want.endColumn !== undefined) assert.equal(f.location.range.end.column, want.endColumn, 'endColumn');
            if (want.suppressed !== undefined) assert.equal(!!f.suppressed, want.suppressed, 'suppressed');
            if (want.severity !== undefined) assert.equal(f.severity, want.severity, `severity: ${f.message}`);
            if (want.messageIncludes !== undefined) assert.ok(f.message.includes(want.messageIncludes), `message includes ${JSON.stringify(want.messageIncludes)}: ${f.message}`);
            if (want.related !== undefined) assert.deepEqual(f.related.map((r) => `${r.file}:${r.range.start.line}:${r.range.start.column} ${r.message}`), want.related, 'related');
            assert.ok(f.hint.length > 10, 'every finding says how to fix it');
          });
        });
      }
    });
  });
}
