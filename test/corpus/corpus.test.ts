/** The corpus files are well-formed, and the eval's scoring, noise and audit sampling behave as documented. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { assignSplits, casesOf, isNonProductionPath, loadCorpus, validateRepo, type CorpusRepo } from '../../scripts/eval/corpus';
import { carryVerdicts, compareWithAudits, drawSample, loadAudits, sameClaim, scoreAudits, type AuditEntry } from '../../scripts/eval/audit';
import { elsewhere, type RepoRun } from '../../scripts/eval/runner';
import { noise, score } from '../../scripts/eval/score';

const corpus = loadCorpus();

describe('corpus files', () => {
  it('every repository file is valid and assigned to a split', () => {
    const problems = corpus.flatMap((r) => validateRepo(r, `${r.name}.json`));
    assert.deepEqual(problems, []);
    assert.deepEqual(corpus.filter((r) => !r.split).map((r) => r.name), [], 'repositories without a split');
  });
  it('no repository appears twice and no case is duplicated', () => {
    const repos = corpus.map((r) => r.repo.toLowerCase());
    assert.equal(new Set(repos).size, repos.length);
    const keys = casesOf(corpus).map((c) => `${c.repo}:${c.file}:${c.line}:${c.rule}`);
    assert.deepEqual(keys.filter((k, i) => keys.indexOf(k) !== i), []);
  });
  it('no case or audit holds a path of the machine it was written on', () => {
    const dir = path.resolve(__dirname);
    for (const sub of ['repositories', 'models', 'audits']) {
      const folder = path.join(dir, sub);
      if (!fs.existsSync(folder)) continue;
      for (const f of fs.readdirSync(folder)) {
        const text = fs.readFileSync(path.join(folder, f), 'utf8');
        assert.doesNotMatch(text, /"(\/(home|root|tmp|work|Users)\/|[A-Z]:\\)/, `${sub}/${f}`);
      }
    }
  });
  it('filled audits name corpus repositories at their pinned commits and use known verdicts', () => {
    const byName = new Map(corpus.map((r) => [r.name, r]));
    for (const { file, audit } of loadAudits()) {
      for (const e of audit.entries) {
        assert.ok(byName.has(e.repo), `${path.basename(file)}: unknown repository ${e.repo}`);
        assert.ok(e.verdict === null || ['true', 'false', 'unclear'].includes(e.verdict), `${path.basename(file)}: verdict ${e.verdict}`);
        if (e.verdict) assert.ok(e.reason.length >= 10, `${path.basename(file)}: ${e.file}:${e.line} needs a reason`);
      }
    }
  });
});

const repo = (name: string, split: 'dev' | 'test', cases: CorpusRepo['cases']): CorpusRepo =>
  ({ name, repo: `o/${name}`, commit: 'a'.repeat(40), split, category: 'product', sourceFiles: 10, why: 'fixture', cases });
const run = (name: string, findings: [string, string, number][], filesAnalyzed = 100): RepoRun =>
  ({ name, ok: true, seconds: 1, filesAnalyzed, skipped: [], findings: findings.map(([ruleId, file, line]) => ({ ruleId, file, line, message: `${ruleId} at ${file}:${line}` })) });

describe('eval scoring', () => {
  const repos = [repo('a', 'dev', [
    { file: 'src/h.ts', line: 10, rule: 'dual-write', label: 'positive', reason: 'write then publish, no outbox' },
    { file: 'src/h.ts', line: 40, rule: 'dual-write', label: 'positive', reason: 'second write then publish' },
    { file: 'src/r.ts', line: 5, rule: 'dual-write', label: 'negative', reason: 'relay reading an outbox' },
    { file: 'src/u.ts', line: 5, rule: 'dual-write', label: 'unclear', reason: 'dynamic topic, cannot tell' },
    { file: 'apps/orders/', line: 0, rule: 'shared-database', label: 'positive', reason: 'orders shares db with billing' },
  ])];
  it('matches within two lines, counts folder cases anywhere under the folder, and never scores unclear cases', () => {
    const s = score(casesOf(repos), [run('a', [['dual-write', 'src/h.ts', 12], ['dual-write', 'src/r.ts', 6], ['dual-write', 'src/u.ts', 5], ['shared-database', 'apps/orders/src/db.ts', 3]])]);
    const dw = s.rules.find((r) => r.rule === 'dual-write')!;
    assert.deepEqual([dw.tp, dw.fp, dw.fn, dw.unclear], [1, 1, 1, 1]);
    assert.equal(dw.precision, 0.5);
    assert.equal(dw.recall, 0.5);
    assert.deepEqual(s.misses.map((m) => m.line), [40]);
    assert.equal(s.rules.find((r) => r.rule === 'shared-database')!.tp, 1);
    assert.deepEqual(s.unlabelled, [], 'the finding on the unclear line is covered by its case');
  });
  it('a finding standing for several flows (one per root cause) covers a case at each of them', () => {
    const grouped = run('a', [['dual-write', 'src/h.ts', 11]]);
    grouped.findings[0].also = [{ file: 'src/h.ts', line: 41 }, { file: 'src/r.ts', line: 5 }];
    const dw = score(casesOf(repos), [grouped]).rules.find((r) => r.rule === 'dual-write')!;
    assert.deepEqual([dw.tp, dw.fp, dw.fn], [2, 1, 0]);
  });
  it('a finding stands elsewhere for its grouped flows and a lock\'s call sites, not for its entry points', () => {
    const at = (file: string, line: number, message: string) => ({ file, range: { start: { line } }, message });
    assert.deepEqual(elsewhere([
      at('src/a.ts', 3, 'the same write and publish in another flow (addPage)'),
      at('src/b.ts', 9, 'the same lock taken here through `withLock`'),
      at('src/c.ts', 1, 'reached from nightly'),
      at('src/d.ts', 2, 'the publish'),
    ]), [{ file: 'src/a.ts', line: 3 }, { file: 'src/b.ts', line: 9 }]);
  });
  it('counts findings per 1,000 files and those in test, script and benchmark code', () => {
    const n = noise([run('a', [['dual-write', 'src/h.ts', 1], ['dual-write', 'test/h.ts', 1], ['dual-write', 'src/h.spec.ts', 1], ['dual-write', 'scripts/seed.ts', 1]], 400)]);
    assert.deepEqual(n.rules, [{ rule: 'dual-write', findings: 4, perThousandFiles: 10, inTestCode: 3 }]);
  });
  it('knows test, e2e, benchmark, fixture and script paths from production paths', () => {
    for (const p of ['apps/api-e2e/src/x.ts', 'src/__tests__/x.ts', 'bench/run.ts', 'src/x.e2e-spec.ts', 'libs/testing/src/q.ts', 'packages/a/fixtures/k.ts']) assert.ok(isNonProductionPath(p), p);
    for (const p of ['apps/orders/src/orders.service.ts', 'src/contest/x.ts', 'src/latest.ts', 'examples/shop/src/a.ts']) assert.ok(!isNonProductionPath(p), p);
  });
});

describe('eval audits', () => {
  const repos = [repo('a', 'test', []), repo('b', 'test', [])];
  const findings: [string, string, number][] = [];
  for (let i = 1; i <= 30; i++) findings.push(['dual-write', `src/f${i}.ts`, i]);
  findings.push(['unjustified-distributed-lock', 'src/lock.ts', 3]);
  const runs = [run('a', findings), run('b', [['missing-correlation-id', 'src/p.ts', 7], ['missing-correlation-id', 'src/q.ts', 9]])];
  it('draws the same sample for the same seed, and every rule with findings is in it', () => {
    const one = drawSample(runs, repos, 10, 42);
    assert.deepEqual(drawSample(runs, repos, 10, 42), one);
    assert.notDeepEqual(drawSample(runs, repos, 10, 43), one);
    assert.equal(one.length, 10);
    assert.deepEqual([...new Set(one.map((e) => e.rule))].sort(), ['dual-write', 'missing-correlation-id', 'unjustified-distributed-lock']);
    assert.ok(one.every((e) => e.verdict === null && e.commit === 'a'.repeat(40) && e.repository.startsWith('o/')));
  });
  it('scores filled entries per rule and lists known false alarms still reported and known true findings gone', () => {
    const entry = (file: string, line: number, verdict: AuditEntry['verdict']): AuditEntry =>
      ({ repo: 'a', repository: 'o/a', commit: 'a'.repeat(40), rule: 'dual-write', file, line, message: 'm', verdict, reason: 'read the code' });
    const entries = [entry('src/f1.ts', 1, 'true'), entry('src/f2.ts', 2, 'false'), entry('src/gone.ts', 4, 'true'), entry('src/f3.ts', 3, 'unclear'), entry('src/f4.ts', 4, null)];
    assert.deepEqual(scoreAudits(entries), [{ rule: 'dual-write', true: 2, false: 1, unclear: 1, open: 1, precision: 2 / 3 }]);
    const changes = compareWithAudits(entries, runs, repos);
    assert.deepEqual(changes.falseStillReported.map((e) => e.file), ['src/f2.ts']);
    assert.deepEqual(changes.trueGone.map((e) => e.file), ['src/gone.ts']);
  });
  it('carries an earlier verdict to the same finding, and re-opens it when the message changed', () => {
    const earlier = { file: 'x/old.json', audit: { description: '', created: '', engineCommit: '', split: 'test', seed: 1, entries: [
      { repo: 'a', repository: 'o/a', commit: 'a'.repeat(40), rule: 'dual-write', file: 'src/f1.ts', line: 1, message: 'dual-write at src/f1.ts:1', verdict: 'false' as const, reason: 'exclusive branches' },
      { repo: 'a', repository: 'o/a', commit: 'a'.repeat(40), rule: 'dual-write', file: 'src/f2.ts', line: 2, message: 'old wording', verdict: 'true' as const, reason: 'no outbox' },
    ] } };
    const drawn = drawSample(runs, repos, 33, 1).filter((e) => e.rule === 'dual-write' && ['src/f1.ts', 'src/f2.ts', 'src/f3.ts'].includes(e.file));
    assert.equal(carryVerdicts(drawn, [earlier]), 2);
    const by = new Map(drawn.map((e) => [e.file, e]));
    assert.equal(by.get('src/f1.ts')!.verdict, 'false');
    assert.match(by.get('src/f1.ts')!.reason, /^verdict false in old\.json: exclusive branches$/);
    assert.equal(by.get('src/f2.ts')!.verdict, null);
    assert.match(by.get('src/f2.ts')!.reason, /^message changed since; earlier verdict true/);
    assert.equal(by.get('src/f3.ts')!.verdict, null);
    // A newer audit that read other wording does not hide an older one that read the same message.
    const newer = { file: 'x/new.json', audit: { ...earlier.audit, entries: [{ ...earlier.audit.entries[0], message: 'newer wording', verdict: 'true' as const, reason: 'later reading' }] } };
    const again = drawSample(runs, repos, 33, 1).filter((e) => e.rule === 'dual-write' && e.file === 'src/f1.ts');
    assert.equal(carryVerdicts(again, [earlier, newer]), 1);
    assert.equal(again[0].verdict, 'false');
    assert.match(again[0].reason, /in old\.json: exclusive branches$/);
    // Carried again from the audit that carried it: one prefix naming both audits, not one per carry.
    const carried = { file: 'x/newest.json', audit: { ...earlier.audit, entries: [{ ...earlier.audit.entries[0], reason: again[0].reason }] } };
    const third = drawSample(runs, repos, 33, 1).filter((e) => e.rule === 'dual-write' && e.file === 'src/f1.ts');
    assert.equal(carryVerdicts(third, [carried]), 1);
    assert.equal(third[0].reason, 'verdict false in newest.json (first read in old.json): exclusive branches');
  });
  it('a message that only adds the note on the entity ids it carries makes the same claim', () => {
    const base = 'The message sent by `producer.send to "orders"` carries no correlation or causation id, so this hop cannot be tied to the business flow.';
    const noted = base.replace('causation id,', 'causation id (only `orderId`, `customerId`, which name the entities it acts on, not the flow),');
    assert.ok(sameClaim(base, noted));
    assert.ok(sameClaim(base, base.replace('causation id,', 'causation id (only `uuid`, which names the entity it acts on, not the flow),')));
    assert.ok(!sameClaim(base, base.replace('"orders"', '"payments"')));
    assert.ok(!sameClaim(base, `${base} Inferred: no consumer was found.`));
  });
});

describe('split assignment', () => {
  it('alternates test and dev within a category and never moves an assigned repository', () => {
    const r = (name: string, category: string, split?: 'dev' | 'test'): CorpusRepo =>
      ({ ...repo(name, 'dev', []), category, split });
    const repos = [r('a', 'serverless'), r('b', 'serverless'), r('c', 'serverless'), r('d', 'temporal'), r('old', 'serverless', 'dev')];
    const splits = assignSplits(repos);
    assert.equal(splits.has('old'), false);
    assert.deepEqual([...splits.values()].filter((s) => s === 'test').length, 3, 'two of three serverless and the one temporal');
    assert.equal(splits.get('d'), 'test');
    assert.deepEqual(assignSplits(repos), splits, 'the same input gives the same split');
  });
});
