/**
 * Runs the engine on one pinned clone, in a child process with a time limit, so a crash or a
 * hang is reported instead of stopping the evaluation.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CorpusRepo } from './corpus';
import { expectedModelFile, type ModelShape } from './models';

export interface SlimFinding {
  ruleId: string;
  file: string;
  line: number;
  message: string;
  /**
   * Other places the finding stands for: the flows dual-write folds into one root-cause finding
   * (related locations "the same write and publish in another flow") and the call sites of a lock
   * helper ("the same lock taken here") and the flows running a two-phase commit through helpers
   * ("the same two-phase commit run here"). A case there is reported.
   */
  also?: { file: string; line: number }[];
}

/** Related locations that are the same finding at another place (one finding per root cause). */
const SAME_FINDING_ELSEWHERE = /^the same (write and publish in another flow|lock taken here|two-phase commit run here)\b/;

/** The places among a finding's related locations where it stands for the same root cause. */
export function elsewhere(related: { file: string; range: { start: { line: number } }; message: string }[]): { file: string; line: number }[] {
  return related.filter((r) => SAME_FINDING_ELSEWHERE.test(r.message)).map((r) => ({ file: r.file, line: r.range.start.line }));
}

export interface RepoRun {
  name: string;
  ok: boolean;
  error?: string;
  seconds: number;
  filesAnalyzed: number;
  skipped: { file: string; reason: string }[];
  /** What makes the run incomplete: a rule that failed (its findings are missing), a configuration entry ignored. */
  notices?: string[];
  findings: SlimFinding[];
  /** The engine's system model, for repositories with an expected model (roots repository-relative). */
  model?: ModelShape;
}

/** Child side: analyse `root` and write the slim result (and the system model, when asked) to `outFile`. */
export function runChild(root: string, outFile: string, withModel = false): void {
  // Imported lazily so the parent process stays small.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { analyzeSystem } = require('../../server/src/engine/analyze') as typeof import('../../server/src/engine/analyze');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { describeSystem } = require('../../server/src/engine/system/describe') as typeof import('../../server/src/engine/system/describe');
  const started = Date.now();
  const { result, model } = analyzeSystem({ root, log: () => undefined });
  const out = {
    model: withModel ? describeSystem(model) : undefined,
    seconds: (Date.now() - started) / 1000,
    filesAnalyzed: result.filesAnalyzed,
    skipped: result.skipped,
    notices: (result.notices ?? []).map((n) => n.message),
    findings: result.findings.filter((f) => !f.suppressed).map((f) => {
      const also = elsewhere(f.related ?? []);
      return { ruleId: f.ruleId, file: f.location.file, line: f.location.range.start.line, message: f.message, ...(also.length ? { also } : {}) };
    }),
  };
  fs.writeFileSync(outFile, JSON.stringify(out));
}

/** Checks out the pinned commit; true when HEAD is at it, else why not. */
export function prepareClone(clone: string, repo: CorpusRepo, checkout: boolean): true | string {
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

export function analyzeInChild(entry: string, name: string, root: string, timeoutSeconds: number, withModel = false): RepoRun {
  const outFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-eval-')), 'out.json');
  const started = Date.now();
  const child = spawnSync(process.execPath, [
    '--max-old-space-size=8192', '--import', 'tsx', entry, '--child', root, outFile, ...(withModel ? ['--model'] : []),
  ], { cwd: path.resolve(__dirname, '../..'), encoding: 'utf8', timeout: timeoutSeconds * 1000, maxBuffer: 64 * 1024 * 1024 });
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

/** Runs every selected repository; findings of a `root` sub-folder are made repository-relative. */
export function runAll(entry: string, repos: CorpusRepo[], dir: string, opts: { checkout: boolean; timeoutSeconds: number }): RepoRun[] {
  const runs: RepoRun[] = [];
  for (const repo of repos) {
    const clone = path.resolve(dir, repo.name);
    const ready = prepareClone(clone, repo, opts.checkout);
    if (ready !== true) {
      runs.push({ name: repo.name, ok: false, error: ready, seconds: 0, filesAnalyzed: 0, skipped: [], findings: [] });
      console.log(`${repo.name}: not analysed (${ready})`);
      continue;
    }
    const root = repo.root ? path.join(clone, repo.root) : clone;
    const run = analyzeInChild(entry, repo.name, root, opts.timeoutSeconds, expectedModelFile(repo.name) !== undefined);
    if (repo.root) {
      for (const f of run.findings) f.file = path.posix.join(repo.root, f.file);
      for (const s of run.model?.services ?? []) s.root = path.posix.join(repo.root, s.root ?? '');
    }
    runs.push(run);
    console.log(`${repo.name} [${repo.split}]: ${run.ok ? `${run.filesAnalyzed} files in ${run.seconds.toFixed(1)} s, ${run.findings.length} findings, ${run.skipped.length} skipped` : `FAILED after ${run.seconds.toFixed(1)} s: ${run.error}`}`);
  }
  return runs;
}
