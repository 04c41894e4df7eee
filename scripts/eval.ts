/**
 * Scores the engine on the labelled corpus (test/corpus/repositories/*.json; test/corpus/LABELLING.md
 * says what a case means) and measures noise and audited precision over all findings.
 *
 *   npm run eval -- <dir-of-clones> [--split dev|test|all] [--repo name[,name…]] [--rule id] [--unlabelled] [--model-details]
 *                   [--no-checkout] [--timeout seconds] [--json out.json]
 *                   [--save-runs runs.json | --from-runs runs.json]
 *                   [--audit n [--seed s] [--audit-split test|dev] [--audit-out file]]
 *   npm run eval -- --audit-score [audit files...]
 *   npm run eval -- --assign-splits          (gives each new repository file its split)
 *
 * For each corpus repository, `<dir>/<name>` must be a git clone of it; the pinned commit is checked
 * out, the engine runs on it in a child process with a time limit, and findings are scored per split:
 * `dev` is what the engine is tuned on, `test` is reported and never tuned on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { assignSplits, casesOf, corpusDir, loadCorpus, validateRepo, type CorpusRepo } from './eval/corpus';
import { auditDir, carryVerdicts, compareWithAudits, drawSample, loadAudits, scoreAudits, writeAudit } from './eval/audit';
import { printAuditScore, printKnownVerdicts, printNoise, printRuns, printScore } from './eval/print';
import { runAll, runChild, type RepoRun } from './eval/runner';
import { noise, score } from './eval/score';
import { loadExpectedModel, printModelScores, scoreModel } from './eval/models';

const USAGE = 'usage: npm run eval -- <dir-of-clones> [--split dev|test|all] [--repo name[,name…]] [--rule id] [--unlabelled] [--model-details] [--no-checkout] [--timeout s] [--json out.json] [--save-runs f | --from-runs f] [--audit n [--seed s] [--audit-split test|dev] [--audit-out f]]\n       npm run eval -- --audit-score [audit files...]';

if (process.argv[2] === '--child') runChild(process.argv[3], process.argv[4], process.argv[5] === '--model');
else main();

function main(): void {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (args.includes('--help') || args.includes('-h')) return void console.log(USAGE);
  const valued = new Set(['--split', '--repo', '--rule', '--timeout', '--json', '--save-runs', '--from-runs', '--audit', '--seed', '--audit-split', '--audit-out']);
  const positional = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && valued.has(args[i - 1])));

  const corpus = loadCorpus();
  const problems = corpus.flatMap((r) => validateRepo(r, `${r.name}.json`));
  if (problems.length) {
    console.error(`The corpus has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    process.exit(2);
  }

  if (args.includes('--assign-splits')) return assignAndWrite(corpus);
  if (args.includes('--audit-score') && !args.includes('--from-runs') && positional.every((p) => p.endsWith('.json'))) {
    const audits = loadAudits(positional);
    if (!audits.length) return void console.log(`No audit files in ${path.relative(process.cwd(), auditDir)}.`);
    for (const { file, audit } of audits) printAuditScore(`${path.basename(file)} (${audit.split} split, seed ${audit.seed}, engine ${audit.engineCommit.slice(0, 12)})`, scoreAudits(audit.entries));
    if (audits.length > 1) printAuditScore('All audits', scoreAudits(audits.flatMap((a) => a.audit.entries)));
    return;
  }

  const split = opt('--split') ?? 'all';
  const onlyRepos = opt('--repo')?.split(',').filter(Boolean);
  const onlyRepo = onlyRepos?.join(', ');
  const onlyRule = opt('--rule');
  if (!['dev', 'test', 'all'].includes(split)) return usage(`--split must be dev, test or all`);
  const unassigned = corpus.filter((r) => !r.split).map((r) => r.name);
  if (unassigned.length) console.log(`Not yet in a split, skipped: ${unassigned.join(', ')}`);
  const repos = corpus.filter((r) => r.split && (split === 'all' || r.split === split) && (!onlyRepos || onlyRepos.includes(r.name)));
  if (onlyRepo && !repos.length) return usage(`no corpus repository named ${onlyRepo}${split !== 'all' ? ` in the ${split} split` : ''}`);

  let runs: RepoRun[];
  let engineCommit = gitHead();
  const fromRuns = opt('--from-runs');
  if (fromRuns) {
    const names = new Set(repos.map((r) => r.name));
    // Saved runs name the engine commit that produced them (older files are a bare list of runs).
    const saved = JSON.parse(fs.readFileSync(fromRuns, 'utf8')) as RepoRun[] | { engineCommit: string; runs: RepoRun[] };
    const list = Array.isArray(saved) ? saved : saved.runs;
    engineCommit = Array.isArray(saved) ? 'unknown' : saved.engineCommit;
    runs = list.filter((r) => names.has(r.name));
  } else {
    const dir = positional[0];
    if (!dir) return usage('the folder of clones is missing');
    runs = runAll(path.resolve(__filename), repos, dir, { checkout: !args.includes('--no-checkout'), timeoutSeconds: Number(opt('--timeout') ?? 1800) });
    const saveRuns = opt('--save-runs');
    if (saveRuns) fs.writeFileSync(saveRuns, JSON.stringify({ engineCommit, runs }));
  }
  if (onlyRule) for (const r of runs) r.findings = r.findings.filter((f) => f.ruleId === onlyRule);

  const cases = casesOf(repos).filter((c) => !onlyRule || c.rule === onlyRule);
  const splitOf = new Map(corpus.map((r) => [r.name, r.split ?? '']));
  const json: Record<string, unknown> = {};
  for (const s of ['dev', 'test'] as const) {
    const splitRuns = runs.filter((r) => splitOf.get(r.name) === s);
    if (!splitRuns.length) continue;
    const report = score(cases.filter((c) => c.split === s), splitRuns, onlyRule);
    const n = noise(splitRuns, onlyRule);
    printScore(`${s} split (${splitRuns.length} repositories)`, report, { listUnlabelled: args.includes('--unlabelled') });
    printNoise(`${s} split`, n);
    const models = splitRuns.flatMap((r) => {
      const expected = loadExpectedModel(r.name);
      return expected && r.model ? [{ name: r.name, score: scoreModel(expected, r.model) }] : [];
    });
    printModelScores(`${s} split`, models, args.includes('--model-details'));
    json[s] = { ...report, noise: n, models };
  }
  const audits = loadAudits();
  const entries = audits.flatMap((a) => a.audit.entries);
  if (entries.length) {
    printKnownVerdicts(compareWithAudits(entries, runs, repos));
    if (args.includes('--audit-score')) printAuditScore('Audited precision (all filled audits)', scoreAudits(entries));
  }
  printRuns(runs, splitOf);

  const auditSize = opt('--audit');
  if (auditSize) drawAudit(runs, repos, engineCommit, Number(auditSize), Number(opt('--seed') ?? 1), opt('--audit-split') ?? 'test', opt('--audit-out'));
  const jsonOut = opt('--json');
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ ...json, runs: runs.map(({ findings: _f, ...r }) => r) }, null, 2));
}

/** The engine's commit, with "+changes" when the work tree differs from it. */
function gitHead(): string {
  const git = (...a: string[]) => spawnSync('git', a, { cwd: path.resolve(__dirname, '..'), encoding: 'utf8' }).stdout.trim();
  const head = git('rev-parse', 'HEAD');
  return git('status', '--porcelain', '--untracked-files=no', '--', 'server') ? `${head}+changes` : head;
}

function drawAudit(runs: RepoRun[], repos: CorpusRepo[], engineCommit: string, n: number, seed: number, split: string, out?: string): void {
  if (!Number.isInteger(n) || n <= 0 || !Number.isInteger(seed)) return usage('--audit takes a positive count and --seed an integer');
  const inSplit = new Set(repos.filter((r) => r.split === split).map((r) => r.name));
  const entries = drawSample(runs.filter((r) => inSplit.has(r.name)), repos, n, seed);
  const carried = carryVerdicts(entries, loadAudits());
  const created = new Date().toISOString().slice(0, 10);
  const file = out ?? path.join(auditDir, `${created}-${split}-seed${seed}.json`);
  writeAudit(file, {
    description: 'Findings drawn at random from the engine output. Fill verdict ("true", "false" or "unclear") and a reason per entry by reading the code; then npm run eval -- --audit-score.',
    created, engineCommit, split, seed, entries,
  });
  console.log(`\nWrote ${entries.length} findings to audit: ${path.relative(process.cwd(), file)} (${carried} carry an earlier audit's reading; verdicts kept only where the message is unchanged)`);
}

/** Writes a split into every repository file that has none (see assignSplits). */
function assignAndWrite(corpus: CorpusRepo[]): void {
  const splits = assignSplits(corpus);
  for (const r of corpus) {
    const split = splits.get(r.name);
    if (!split) continue;
    const file = path.join(corpusDir, 'repositories', `${r.name}.json`);
    const { name, repo, commit, ...rest } = r;
    fs.writeFileSync(file, `${JSON.stringify({ name, repo, commit, split, ...rest }, null, 2)}\n`);
    console.log(`${r.name}: ${split} (${r.category})`);
  }
}

function usage(problem: string): void {
  console.error(`${problem}\n${USAGE}`);
  process.exit(2);
}
