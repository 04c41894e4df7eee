/**
 * Every quick fix the example's findings offer, applied to a copy of
 * examples/checkout: the finding it addresses is gone and no finding of any
 * rule appears that was not there before, with one documented exception: an
 * inbox on a handler that writes and then publishes makes a repeat skip the
 * publish, which uncovers that publish's dual write (the inbox finding's hint
 * says so). That dual write's outbox fix is then applied too, and the two
 * fixes together leave no new finding. Each rule with a fix has at least one
 * finding there (or, for dual-write, uncovered so) that gets it.
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

  /** The dual writes an inbox fix uncovers: after it, on the publishes of the handler it guards. */
  const uncovered = (before: Finding[], after: Finding[]) => {
    const known = new Set(before.map((f) => f.fingerprint));
    return after.filter((f) => !known.has(f.fingerprint) && f.ruleId === 'dual-write');
  };
  const inboxFixes = fixable.filter((f) => f.ruleId === 'non-idempotent-consumer');

  test('each rule with a quick fix offers it on a finding of the example', () => {
    const rules = new Set(fixable.map((f) => f.ruleId));
    // dual-write: on the publishes an inbox uncovers (the payments handler writes, then publishes).
    for (const finding of inboxFixes) {
      const copy = copyExample();
      try {
        const before = analyzeWithFixes(copy);
        applyEdits(copy, before.find((f) => f.fingerprint === finding.fingerprint)!.fixes![0].edits);
        for (const f of uncovered(before, analyzeWithFixes(copy))) if (f.fixes?.length) rules.add(f.ruleId);
      } finally {
        removeWorkspace(copy);
      }
    }
    for (const rule of ['non-idempotent-consumer', 'dual-write', 'missing-correlation-id', 'unjustified-two-phase-commit', 'unjustified-distributed-lock']) {
      assert.ok(rules.has(rule), `${rule} offers a fix on the example; fixable: ${fixable.map(describeFinding).join(', ')}`);
    }
  });

  for (const finding of fixable) {
    for (const [index, fix] of (finding.fixes ?? []).entries()) {
      const uncovering = finding.ruleId === 'non-idempotent-consumer' ? ' (after the outbox fix of any dual write it uncovers)' : '';
      test(`${describeFinding(finding)}: "${fix.title}" removes the finding and adds none${uncovering}`, () => {
        const copy = copyExample();
        try {
          const before = analyzeWithFixes(copy);
          const target = before.find((f) => f.fingerprint === finding.fingerprint)!;
          applyEdits(copy, target.fixes![index].edits);
          let after = analyzeWithFixes(copy);
          assert.ok(!after.some((f) => f.fingerprint === finding.fingerprint), 'the finding is gone');
          // An inbox uncovers the dual write of a publish after the handler's write: its outbox fix must clear it.
          const dual = finding.ruleId === 'non-idempotent-consumer' ? uncovered(before, after) : [];
          for (const d of dual) {
            assert.match(d.message, /the event goes out only if the repeated write succeeds and does not skip it/, 'the uncovered dual write says a repeat skips the publish');
            assert.ok(d.fixes?.length, `the uncovered dual write offers its outbox fix: ${describeFinding(d)}`);
            applyEdits(copy, d.fixes![0].edits);
          }
          if (dual.length) after = analyzeWithFixes(copy);
          const known = new Set(before.map((f) => f.fingerprint));
          assert.deepEqual(after.filter((f) => !known.has(f.fingerprint)).map((f) => `${describeFinding(f)} ${f.message}`), [], 'no new finding');
        } finally {
          removeWorkspace(copy);
        }
      });
    }
  }
});
