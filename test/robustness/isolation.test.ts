/**
 * Failure isolation: a file the analysis cannot handle (nested too deeply, or
 * failing) is skipped with its reason, and every other file's findings are
 * those of a run without it; results do not change between runs.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSync } from '../../server/src/engine/analyze';
import type { AnalysisResult } from '../../server/src/engine/api';
import { Analysis } from '../../server/src/engine/facts/analysis';
import { RULES } from '../../server/src/engine/rules';
import { removeWorkspace, writeWorkspace } from '../support/workspace';
import { DEEP_SCENARIOS, elseIfLadder, exampleFiles, type Scenario } from '../support/hostile';

const roots: string[] = [];
after(() => roots.forEach(removeWorkspace));

function run(extra: Record<string, string> = {}): AnalysisResult {
  const root = writeWorkspace({ ...exampleFiles(), ...extra });
  roots.push(root);
  return analyzeSync({ root });
}

/** What a reader compares: every finding outside the generated files, in order. */
const untouched = (r: AnalysisResult) => r.findings
  .filter((f) => !f.location.file.startsWith('hostile/'))
  .map((f) => `${f.ruleId} ${f.location.file}:${f.location.range.start.line}:${f.location.range.start.column} ${f.fingerprint} ${f.message}`);

let cleanRun: AnalysisResult | undefined;
const clean = () => (cleanRun ??= run());

describe('failure isolation', () => {
  it('the example system has findings of several rules to lose', () => {
    const rules = new Set(clean().findings.map((f) => f.ruleId));
    assert.ok(clean().findings.length >= 5 && rules.size >= 3, `${clean().findings.length} findings of ${rules.size} rules`);
    assert.deepEqual(clean().skipped, []);
  });

  for (const make of DEEP_SCENARIOS) {
    const scenario: Scenario = make();
    it(`${scenario.name}: other files' findings are unchanged${scenario.skips ? ', the file is skipped with its reason' : ''}`, () => {
      const result = run(scenario.files);
      assert.deepEqual(untouched(result), untouched(clean()));
      if (scenario.skips) {
        assert.deepEqual(result.skipped.map((s) => s.file), [scenario.skips]);
        assert.match(result.skipped[0].reason, /nested .*deep|too deeply/);
        assert.equal(result.filesAnalyzed, clean().filesAnalyzed);
      } else {
        assert.deepEqual(result.skipped, []);
        assert.equal(result.filesAnalyzed, clean().filesAnalyzed + Object.keys(scenario.files).length);
      }
      assert.deepEqual(result.notices, []);
    });
  }

  it('a 3,000-branch else if gives the same results on every run', () => {
    const { files } = elseIfLadder();
    const root = writeWorkspace({ ...exampleFiles(), ...files });
    roots.push(root);
    const first = analyzeSync({ root });
    const second = analyzeSync({ root });
    assert.deepEqual(second, first);
  });

  it('a file whose analysis throws is skipped, and the others are analysed as if it were not there', () => {
    const original = Analysis.prototype.factsOf;
    Analysis.prototype.factsOf = function (file) {
      if (file.getFilePath().endsWith('/hostile/boom.ts')) throw new RangeError('Maximum call stack size exceeded');
      return original.call(this, file);
    };
    try {
      const logs: string[] = [];
      const root = writeWorkspace({ ...exampleFiles(), 'hostile/boom.ts': "import { Kafka } from 'kafkajs';\nexport const k = new Kafka({ brokers: [] });\n" });
      roots.push(root);
      const result = analyzeSync({ root, log: (m) => logs.push(m) });
      assert.deepEqual(untouched(result), untouched(clean()));
      assert.deepEqual(result.skipped, [{ file: 'hostile/boom.ts', reason: 'analysis failed (Maximum call stack size exceeded)' }]);
      assert.ok(logs.includes('skipped hostile/boom.ts: analysis failed (Maximum call stack size exceeded)'), logs.join('\n'));
    } finally {
      Analysis.prototype.factsOf = original;
    }
  });

  it('a rule that throws loses all of its findings, says so, and no other rule changes', () => {
    const rule = RULES.find((r) => r.meta.id === 'dual-write')!;
    const original = rule.check;
    rule.check = (context) => {
      original(context);
      throw new Error('boom');
    };
    try {
      const result = run();
      assert.deepEqual(untouched(result), untouched(clean()).filter((f) => !f.startsWith('dual-write ')));
      assert.ok(untouched(clean()).some((f) => f.startsWith('dual-write ')), 'the example has dual-write findings');
      assert.deepEqual(result.notices, [{ kind: 'rule-failed', message: 'rule dual-write failed (boom); its findings are missing from this run' }]);
    } finally {
      rule.check = original;
    }
  });
});
