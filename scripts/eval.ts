/**
 * Scores the engine against the labelled corpus in test/corpus/corpus.json.
 *
 *   npm run eval -- <dir-of-clones> [--repo name] [--rule id] [--no-checkout] [--timeout seconds] [--json out.json]
 *
 * For each corpus repository, `<dir>/<name>` must be a git clone of it. The
 * pinned commit is checked out (or, when the clone cannot move, HEAD must
 * already be that commit), the engine runs on the clone (or on the
 * repository's `root` sub-folder) in a child process with a time limit, and
 * findings are matched against the cases:
 *
 * - a positive case is found (TP) when a finding of the same rule is in the
 *   same file within ±2 lines; otherwise it is a miss (FN);
 * - a negative case is a false alarm (FP) when such a finding exists;
 * - a case whose `file` ends with `/` covers every finding of its rule under
 *   that folder (used for shared-database, where the unit is a service).
 *
 * Findings on labelled files that no case covers are listed as "unlabelled"
 * for review; they are not counted.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

interface CorpusRepo {
  name: string;
  repo: string;
  commit: string;
  why: string;
  /** Sub-folder to analyse instead of the repository root (cases stay repository-relative). */
  root?: string;
}

interface CorpusCase {
  repo: string;
  file: string;
  line: number;
  rule: string;
  label: 'positive' | 'negative';
  reason: string;
}

interface Corpus {
  repositories: CorpusRepo[];
  cases: CorpusCase[];
}

interface SlimFinding {
  ruleId: string;
  file: string;
  line: number;
  message: string;
}

interface RepoRun {
  name: string;
  ok: boolean;
  error?: string;
  seconds: number;
  filesAnalyzed: number;
  skipped: { file: string; reason: string }[];
  findings: SlimFinding[];
}

const LINE_TOLERANCE = 2;
const repoRoot = path.resolve(__dirname, '..');

// ------------------------------------------------------------------ child mode

if (process.argv[2] === '--child') {
  runChild(process.argv[3], process.argv[4]);
} else {
  main();
}

function runChild(root: string, outFile: string): void {
  // Imported lazily so the parent process stays small.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { analyzeSync } = require('../server/src/engine/analyze') as typeof import('../server/src/engine/analyze');
  const started = Date.now();
  const result = analyzeSync({ root, log: () => undefined });
  const out = {
    seconds: (Date.now() - started) / 1000,
    filesAnalyzed: result.filesAnalyzed,
    skipped: result.skipped,
    findings: result.findings.filter((f) => !f.suppressed).map((f) => ({
      ruleId: f.ruleId, file: f.location.file, line: f.location.range.start.line, message: f.message,
    })),
  };
  fs.writeFileSync(outFile, JSON.stringify(out));
}

// ------------------------------------------------------------------ parent mode

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const valued = new Set(['--repo', '--rule', '--timeout', '--json']);
  const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && valued.has(args[i - 1])));
  const dir = positional[0];
  if (!dir) {
    console.error('usage: npm run eval -- <dir-of-clones> [--repo name] [--rule id] [--no-checkout] [--timeout seconds] [--json out.json]');
    process.exit(2);
  }
  const onlyRepo = opt('--repo');
  const onlyRule = opt('--rule');
  const timeoutSeconds = Number(opt('--timeout') ?? 1800);
  const corpus = JSON.parse(fs.readFileSync(path.join(repoRoot, 'test/corpus/corpus.json'), 'utf8')) as Corpus;
  const cases = corpus.cases.filter((c) => (!onlyRepo || c.repo === onlyRepo) && (!onlyRule || c.rule === onlyRule));
  const runs: RepoRun[] = [];

  for (const repo of corpus.repositories) {
    if (onlyRepo && repo.name !== onlyRepo) continue;
    const clone = path.resolve(dir, repo.name);
    const ready = prepareClone(clone, repo, !args.includes('--no-checkout'));
    if (ready !== true) {
      runs.push({ name: repo.name, ok: false, error: ready, seconds: 0, filesAnalyzed: 0, skipped: [], findings: [] });
      console.log(`${repo.name}: not analysed (${ready})`);
      continue;
    }
    const root = repo.root ? path.join(clone, repo.root) : clone;
    const run = analyzeInChild(repo.name, root, timeoutSeconds);
    if (repo.root) for (const f of run.findings) f.file = path.posix.join(repo.root, f.file);
    runs.push(run);
    console.log(`${repo.name}: ${run.ok ? `${run.filesAnalyzed} files in ${run.seconds.toFixed(1)} s, ${run.findings.length} findings, ${run.skipped.length} skipped` : `FAILED after ${run.seconds.toFixed(1)} s: ${run.error}`}`);
  }

  const report = score(cases, runs, onlyRule);
  printReport(report, runs);
  const jsonOut = opt('--json');
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ ...report, runs: runs.map(({ findings: _f, ...r }) => r) }, null, 2));
}

/** Checks out the pinned commit; true when HEAD is at it. */
function prepareClone(clone: string, repo: CorpusRepo, checkout: boolean): true | string {
  if (!fs.existsSync(path.join(clone, '.git'))) return `no git clone at ${clone}`;
  const git = (...a: string[]) => spawnSync('git', ['-C', clone, ...a], { encoding: 'utf8' });
  if (checkout) {
    const co = git('checkout', '--quiet', '--detach', repo.commit);
    if (co.status !== 0) {
      // A clone whose working tree lacks files the snapshot could not hold (large files) may refuse
      // to move; analysing is still fine when HEAD is already the pinned commit.
      console.log(`${repo.name}: git checkout ${repo.commit.slice(0, 12)} failed (${co.stderr.trim().split('\n')[0]}); verifying HEAD`);
    }
  }
  const head = git('rev-parse', 'HEAD').stdout.trim();
  return head === repo.commit ? true : `HEAD is ${head.slice(0, 12)}, corpus pins ${repo.commit.slice(0, 12)}`;
}

function analyzeInChild(name: string, root: string, timeoutSeconds: number): RepoRun {
  const outFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-eval-')), 'out.json');
  const started = Date.now();
  const child = spawnSync(process.execPath, [
    '--max-old-space-size=8192', '--import', 'tsx', __filename, '--child', root, outFile,
  ], { cwd: repoRoot, encoding: 'utf8', timeout: timeoutSeconds * 1000, maxBuffer: 64 * 1024 * 1024 });
  const seconds = (Date.now() - started) / 1000;
  if (child.error || child.status !== 0 || !fs.existsSync(outFile)) {
    const why = child.error ? (child.error as NodeJS.ErrnoException).code === 'ETIMEDOUT' ? `timed out after ${timeoutSeconds} s` : child.error.message
      : `exit ${child.status ?? child.signal}: ${(child.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
    return { name, ok: false, error: why, seconds, filesAnalyzed: 0, skipped: [], findings: [] };
  }
  const out = JSON.parse(fs.readFileSync(outFile, 'utf8')) as Omit<RepoRun, 'name' | 'ok'>;
  fs.rmSync(path.dirname(outFile), { recursive: true, force: true });
  return { name, ok: true, ...out, seconds: out.seconds };
}

// ------------------------------------------------------------------ scoring

interface RuleScore {
  rule: string;
  tp: number;
  fp: number;
  fn: number;
  positives: number;
  negatives: number;
  precision?: number;
  recall?: number;
}

interface Listed {
  repo: string;
  file: string;
  line: number;
  rule: string;
  reason: string;
}

interface Report {
  rules: RuleScore[];
  misses: Listed[];
  falseAlarms: Listed[];
  unlabelled: Listed[];
}

function covers(c: CorpusCase, f: SlimFinding): boolean {
  if (f.ruleId !== c.rule) return false;
  if (c.file.endsWith('/')) return f.file.startsWith(c.file);
  return f.file === c.file && Math.abs(f.line - c.line) <= LINE_TOLERANCE;
}

function score(cases: CorpusCase[], runs: RepoRun[], onlyRule?: string): Report {
  const byRule = new Map<string, RuleScore>();
  const rule = (id: string) => {
    let s = byRule.get(id);
    if (!s) byRule.set(id, (s = { rule: id, tp: 0, fp: 0, fn: 0, positives: 0, negatives: 0 }));
    return s;
  };
  const misses: Listed[] = [];
  const falseAlarms: Listed[] = [];
  const unlabelled: Listed[] = [];
  const runOf = new Map(runs.map((r) => [r.name, r]));
  for (const c of cases) {
    const run = runOf.get(c.repo);
    const s = rule(c.rule);
    const hits = run?.ok ? run.findings.filter((f) => covers(c, f)) : [];
    if (c.label === 'positive') {
      s.positives++;
      if (hits.length) s.tp++;
      else {
        s.fn++;
        misses.push({ repo: c.repo, file: c.file, line: c.line, rule: c.rule, reason: run?.ok ? c.reason : `${c.reason} [repository not analysed]` });
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

function printReport(report: Report, runs: RepoRun[]): void {
  const pct = (v: number | undefined) => (v === undefined ? '   n/a' : `${(v * 100).toFixed(1).padStart(5)}%`);
  console.log('\nPer rule (TP/FP/FN over labelled cases; ±2 lines):');
  console.log(`${'rule'.padEnd(30)} ${'pos'.padStart(4)} ${'neg'.padStart(4)} ${'TP'.padStart(4)} ${'FP'.padStart(4)} ${'FN'.padStart(4)}  precision  recall`);
  const total = { tp: 0, fp: 0, fn: 0, pos: 0, neg: 0 };
  for (const s of report.rules) {
    total.tp += s.tp; total.fp += s.fp; total.fn += s.fn; total.pos += s.positives; total.neg += s.negatives;
    console.log(`${s.rule.padEnd(30)} ${String(s.positives).padStart(4)} ${String(s.negatives).padStart(4)} ${String(s.tp).padStart(4)} ${String(s.fp).padStart(4)} ${String(s.fn).padStart(4)}  ${pct(s.precision).padStart(9)}  ${pct(s.recall)}`);
  }
  const p = total.tp + total.fp ? total.tp / (total.tp + total.fp) : undefined;
  const r = total.pos ? total.tp / total.pos : undefined;
  console.log(`${'all rules'.padEnd(30)} ${String(total.pos).padStart(4)} ${String(total.neg).padStart(4)} ${String(total.tp).padStart(4)} ${String(total.fp).padStart(4)} ${String(total.fn).padStart(4)}  ${pct(p).padStart(9)}  ${pct(r)}`);

  const list = (title: string, items: Listed[]) => {
    console.log(`\n${title} (${items.length}):`);
    for (const i of items) console.log(`  [${i.rule}] ${i.repo}/${i.file}:${i.line} — ${i.reason}`);
  };
  list('Misses', report.misses);
  list('False alarms', report.falseAlarms);
  list('Unlabelled findings on labelled files (review)', report.unlabelled);

  console.log('\nRepositories:');
  for (const run of runs) {
    const reasons = new Map<string, number>();
    for (const s of run.skipped) {
      const key = s.reason.replace(/:.*$/, '');
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
    }
    const skipped = [...reasons].map(([k, n]) => `${n} ${k}`).join(', ') || 'none';
    console.log(`  ${run.name.padEnd(30)} ${run.ok ? `${String(run.filesAnalyzed).padStart(5)} files ${run.seconds.toFixed(1).padStart(7)} s  skipped: ${skipped}` : `FAILED: ${run.error}`}`);
  }
}
