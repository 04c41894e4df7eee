/** Plain-text tables of the evaluation. */
import type { AuditScore, KnownVerdictChanges } from './audit';
import type { RepoRun } from './runner';
import type { Listed, Noise, Score } from './score';

const pct = (v: number | undefined) => (v === undefined ? '   n/a' : `${(v * 100).toFixed(1).padStart(5)}%`);
const num = (v: number, w = 4) => String(v).padStart(w);

export function printScore(title: string, report: Score, options: { listUnlabelled: boolean }): void {
  console.log(`\n== ${title}: per rule (TP/FP/FN over labelled cases; ±2 lines; unclear cases not scored)`);
  console.log(`${'rule'.padEnd(30)} ${'pos'.padStart(4)} ${'neg'.padStart(4)} ${'uncl'.padStart(4)} ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'FN'.padStart(4)}  precision  recall`);
  const total = { tp: 0, fp: 0, fn: 0, pos: 0, neg: 0, unclear: 0 };
  for (const s of report.rules) {
    total.tp += s.tp; total.fp += s.fp; total.fn += s.fn; total.pos += s.positives; total.neg += s.negatives; total.unclear += s.unclear;
    console.log(`${s.rule.padEnd(30)} ${num(s.positives)} ${num(s.negatives)} ${num(s.unclear)} ${num(s.tp)} ${num(s.fp)} ${num(s.fn)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall)}`);
  }
  const p = total.tp + total.fp ? total.tp / (total.tp + total.fp) : undefined;
  const r = total.pos ? total.tp / total.pos : undefined;
  console.log(`${'all rules'.padEnd(30)} ${num(total.pos)} ${num(total.neg)} ${num(total.unclear)} ${num(total.tp)} ${num(total.fp)} ${num(total.fn)}  ${pct(p).padStart(9)}  ${pct(r)}`);
  list(`${title}: misses`, report.misses);
  list(`${title}: false alarms`, report.falseAlarms);
  if (options.listUnlabelled) list(`${title}: unlabelled findings on labelled files (review)`, report.unlabelled);
  else console.log(`\n${title}: ${report.unlabelled.length} unlabelled findings on labelled files (--unlabelled lists them)`);
}

export function printNoise(title: string, n: { files: number; rules: Noise[] }): void {
  console.log(`\n== ${title}: noise over all findings (${n.files} files analysed)`);
  console.log(`${'rule'.padEnd(30)} ${'findings'.padStart(8)} ${'per 1k files'.padStart(12)} ${'in test code'.padStart(12)}`);
  let all = 0;
  let test = 0;
  for (const r of n.rules) {
    all += r.findings; test += r.inTestCode;
    console.log(`${r.rule.padEnd(30)} ${num(r.findings, 8)} ${r.perThousandFiles.toFixed(1).padStart(12)} ${num(r.inTestCode, 12)}`);
  }
  console.log(`${'all rules'.padEnd(30)} ${num(all, 8)} ${(n.files ? (all * 1000) / n.files : 0).toFixed(1).padStart(12)} ${num(test, 12)}`);
}

export function printAuditScore(title: string, scores: AuditScore[]): void {
  console.log(`\n== ${title}`);
  console.log(`${'rule'.padEnd(30)} ${'true'.padStart(5)} ${'false'.padStart(5)} ${'uncl'.padStart(5)} ${'open'.padStart(5)}  precision  unclear`);
  const t = { true: 0, false: 0, unclear: 0, open: 0 };
  for (const s of scores) {
    t.true += s.true; t.false += s.false; t.unclear += s.unclear; t.open += s.open;
    const judged = s.true + s.false + s.unclear;
    console.log(`${s.rule.padEnd(30)} ${num(s.true, 5)} ${num(s.false, 5)} ${num(s.unclear, 5)} ${num(s.open, 5)}  ${pct(s.precision).padStart(9)}  ${pct(judged ? s.unclear / judged : undefined)}`);
  }
  const judged = t.true + t.false + t.unclear;
  console.log(`${'all rules'.padEnd(30)} ${num(t.true, 5)} ${num(t.false, 5)} ${num(t.unclear, 5)} ${num(t.open, 5)}  ${pct(t.true + t.false ? t.true / (t.true + t.false) : undefined).padStart(9)}  ${pct(judged ? t.unclear / judged : undefined)}`);
}

export function printKnownVerdicts(changes: KnownVerdictChanges): void {
  const show = (title: string, items: KnownVerdictChanges['falseStillReported']) => {
    console.log(`\n== ${title} (${items.length})`);
    for (const e of items) console.log(`  [${e.rule}] ${e.repo}/${e.file}:${e.line} — ${e.reason}`);
  };
  show('Audited false alarms still reported', changes.falseStillReported);
  show('Audited true findings no longer reported', changes.trueGone);
}

export function printRuns(runs: RepoRun[], splitOf: Map<string, string>): void {
  console.log('\n== Repositories');
  for (const run of runs) {
    const reasons = new Map<string, number>();
    for (const s of run.skipped) {
      const key = s.reason.replace(/:.*$/, '');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    const skipped = [...reasons].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
    const head = `${run.name.padEnd(32)} ${(splitOf.get(run.name) ?? '').padEnd(4)}`;
    console.log(`  ${head} ${run.ok ? `${num(run.filesAnalyzed, 5)} files ${run.seconds.toFixed(1).padStart(7)} s ${num(run.findings.length, 5)} findings  skipped: ${skipped}` : `FAILED: ${run.error}`}`);
    for (const notice of run.notices ?? []) console.log(`      incomplete: ${notice}`);
  }
}

function list(title: string, items: Listed[]): void {
  console.log(`\n${title} (${items.length}):`);
  for (const i of items) console.log(`  [${i.rule}] ${i.repo}/${i.file}:${i.line} — ${i.reason}`);
}
