/**
 * Scores findings against labelled cases, and measures noise over all findings.
 *
 * - A positive case is found (TP) when a finding of the same rule is in the same file within ±2
 *   lines; otherwise it is a miss (FN). A negative case is a false alarm (FP) when such a finding
 *   exists. A case whose `file` ends with `/` covers every finding of its rule under that folder.
 *   A finding that stands for several flows (dual-write's one finding per root cause, its other
 *   flows as related locations; a lock with the calls that take it through a helper) is at each
 *   of them.
 * - Unclear cases are listed, never scored.
 */
import { isNonProductionPath, type RepoCase } from './corpus';
import type { RepoRun, SlimFinding } from './runner';

export const LINE_TOLERANCE = 2;

export interface RuleScore {
  rule: string;
  tp: number;
  fp: number;
  fn: number;
  positives: number;
  negatives: number;
  unclear: number;
  precision?: number;
  recall?: number;
}

export interface Listed {
  repo: string;
  file: string;
  line: number;
  rule: string;
  reason: string;
}

export interface Score {
  rules: RuleScore[];
  misses: Listed[];
  falseAlarms: Listed[];
  unlabelled: Listed[];
}

export interface Noise {
  rule: string;
  findings: number;
  perThousandFiles: number;
  inTestCode: number;
}

export function covers(c: { rule: string; file: string; line: number }, f: SlimFinding): boolean {
  if (f.ruleId !== c.rule) return false;
  if (c.file.endsWith('/')) return f.file.startsWith(c.file);
  // A finding that stands for several flows (one per root cause) covers each of them.
  return [f, ...(f.also ?? [])].some((at) => at.file === c.file && Math.abs(at.line - c.line) <= LINE_TOLERANCE);
}

export function score(cases: RepoCase[], runs: RepoRun[], onlyRule?: string): Score {
  const byRule = new Map<string, RuleScore>();
  const rule = (id: string) => {
    let s = byRule.get(id);
    if (!s) byRule.set(id, (s = { rule: id, tp: 0, fp: 0, fn: 0, positives: 0, negatives: 0, unclear: 0 }));
    return s;
  };
  const misses: Listed[] = [];
  const falseAlarms: Listed[] = [];
  const unlabelled: Listed[] = [];
  const runOf = new Map(runs.map((r) => [r.name, r]));
  for (const c of cases) {
    const run = runOf.get(c.repo);
    if (!run) continue;
    const s = rule(c.rule);
    const hits = run.ok ? run.findings.filter((f) => covers(c, f)) : [];
    if (c.label === 'unclear') s.unclear++;
    else if (c.label === 'positive') {
      s.positives++;
      if (hits.length) s.tp++;
      else {
        s.fn++;
        misses.push({ repo: c.repo, file: c.file, line: c.line, rule: c.rule, reason: run.ok ? c.reason : `${c.reason} [repository not analysed]` });
      }
    } else {
      s.negatives++;
      if (hits.length) {
        s.fp++;
        for (const h of hits) falseAlarms.push({ repo: c.repo, file: h.file, line: h.line, rule: c.rule, reason: `${c.reason} — reported: ${h.message.slice(0, 160)}` });
      }
    }
  }
  // Findings on labelled files (or in labelled folders) that no case covers.
  for (const run of runs) {
    if (!run.ok) continue;
    const repoCases = cases.filter((c) => c.repo === run.name);
    for (const f of run.findings) {
      if (onlyRule && f.ruleId !== onlyRule) continue;
      const onLabelled = repoCases.some((c) => (c.file.endsWith('/') ? f.file.startsWith(c.file) : c.file === f.file));
      if (!onLabelled || repoCases.some((c) => covers(c, f))) continue;
      unlabelled.push({ repo: run.name, file: f.file, line: f.line, rule: f.ruleId, reason: f.message.slice(0, 160) });
    }
  }
  for (const s of byRule.values()) {
    s.precision = s.tp + s.fp ? s.tp / (s.tp + s.fp) : undefined;
    s.recall = s.positives ? s.tp / s.positives : undefined;
  }
  return { rules: [...byRule.values()].sort((a, b) => a.rule.localeCompare(b.rule)), misses, falseAlarms, unlabelled };
}

/** Findings per 1,000 analysed files per rule, and how many start in test, script or benchmark code. */
export function noise(runs: RepoRun[], onlyRule?: string): { files: number; rules: Noise[] } {
  const ok = runs.filter((r) => r.ok);
  const files = ok.reduce((n, r) => n + r.filesAnalyzed, 0);
  const byRule = new Map<string, Noise>();
  for (const run of ok) {
    for (const f of run.findings) {
      if (onlyRule && f.ruleId !== onlyRule) continue;
      let n = byRule.get(f.ruleId);
      if (!n) byRule.set(f.ruleId, (n = { rule: f.ruleId, findings: 0, perThousandFiles: 0, inTestCode: 0 }));
      n.findings++;
      if (isNonProductionPath(f.file)) n.inTestCode++;
    }
  }
  for (const n of byRule.values()) n.perThousandFiles = files ? (n.findings * 1000) / files : 0;
  return { files, rules: [...byRule.values()].sort((a, b) => a.rule.localeCompare(b.rule)) };
}
