/**
 * Every quick fix the example's findings offer, applied to a copy of
 * examples/checkout: the finding it addresses is gone and no finding of any
 * rule appears that was not there before. Each rule with a fix has at least
 * one finding there that gets it.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzeWithFixes, applyEdits, REPO_ROOT, removeWorkspace } from './helpers';
import type { Finding } from '../../server/src/engine/types';

const EXAMPLE = path.join(REPO_ROOT, 'examples', 'checkout');

function copyExample(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-fix-example-'));
  fs.cpSync(EXAMPLE, root, { recursive: true, filter: (src) => !src.split(path.sep).includes('node_modules') });
  return root;
}

const describeFinding = (f: Finding) => `${f.ruleId} ${f.location.file}:${f.location.range.start.line}`;

describe('quick fixes on examples/checkout', () => {
  const root = copyExample();
  const findings = analyzeWithFixes(root);
  removeWorkspace(root);
  const fixable = findings.filter((f) => f.fixes?.length);

  test('each rule with a quick fix offers it on a finding of the example', () => {
    const rules = new Set(fixable.map((f) => f.ruleId));
    for (const rule of ['non-idempotent-consumer', 'dual-write', 'missing-correlation-id', 'unjustified-two-phase-commit', 'unjustified-distributed-lock']) {
      assert.ok(rules.has(rule), `${rule} offers a fix on the example; fixable: ${fixable.map(describeFinding).join(', ')}`);
    }
  });

  for (const finding of fixable) {
    for (const [index, fix] of (finding.fixes ?? []).entries()) {
      test(`${describeFinding(finding)}: "${fix.title}" removes the finding and adds none`, () => {
        const copy = copyExample();
        try {
          const before = analyzeWithFixes(copy);
          const target = before.find((f) => f.fingerprint === finding.fingerprint)!;
          applyEdits(copy, target.fixes![index].edits);
          const after = analyzeWithFixes(copy);
          const known = new Set(before.map((f) => f.fingerprint));
          assert.ok(!after.some((f) => f.fingerprint === finding.fingerprint), 'the finding is gone');
          assert.deepEqual(after.filter((f) => !known.has(f.fingerprint)).map((f) => `${describeFinding(f)} ${f.message}`), [], 'no new finding');
        } finally {
          removeWorkspace(copy);
        }
      });
    }
  }
});
