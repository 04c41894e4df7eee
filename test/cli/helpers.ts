/** Hand-built findings, rules, captured I/O and throwaway workspaces for the CLI tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import type * as Sarif from 'sarif';
import type { AnalyzeOptions, AnalysisResult } from '../../server/src/engine/api';
import type { RuleMeta } from '../../server/src/engine/rules/createRule';
import type { Finding } from '../../server/src/engine/types';
import type { CliDeps, CliIO } from '../../server/src/cli/runCli';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

export function finding(overrides: Partial<Finding> & { file?: string; line?: number; column?: number } = {}): Finding {
  const { file = 'src/orders/consumer.ts', line = 1, column = 1, ...rest } = overrides;
  return {
    ruleId: 'non-idempotent-consumer',
    messageId: 'insertWithoutDedupe',
    severity: 'error',
    message: 'Handler inserts a row on every delivery; a redelivered message is charged twice.',
    hint: 'Record the message id in an inbox table in the same transaction and skip duplicates.',
    location: { file, range: { start: { line, column }, end: { line, column: column + 10 } } },
    related: [],
    inferred: false,
    fingerprint: `fp-${file}-${line}-${column}`,
    ...rest,
  };
}

export function rule(id: string, overrides: Partial<RuleMeta> = {}): RuleMeta {
  return {
    id,
    description: `Flags ${id.replace(/-/g, ' ')} problems. Second sentence with more detail.`,
    defaultSeverity: 'error',
    docsUrl: `https://github.com/distributed-patterns/distributed-patterns/blob/main/docs/rules/${id}.md`,
    messages: { main: { message: `Something about ${id} is wrong.`, hint: `Fix the ${id} problem.` } },
    fixes: [],
    ...overrides,
  };
}

export const RULES: RuleMeta[] = [
  rule('non-idempotent-consumer'),
  rule('missing-correlation-id', { defaultSeverity: 'warning' }),
  rule('dual-write', { defaultSeverity: 'warning' }),
];

export interface Captured {
  io: CliIO;
  stdout(): string;
  stderr(): string;
}

export function capture(cwd: string, tty: { isTTY?: boolean; stderrIsTTY?: boolean } = {}): Captured {
  let out = '';
  let err = '';
  return {
    io: {
      stdout: (s) => (out += s),
      stderr: (s) => (err += s),
      cwd,
      isTTY: tty.isTTY ?? false,
      stderrIsTTY: tty.stderrIsTTY,
    },
    stdout: () => out,
    stderr: () => err,
  };
}

/** A temporary directory with the given files (relative path → content). */
export function workspace(files: Record<string, string> = {}): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-cli-')));
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

export interface FakeEngine extends CliDeps {
  calls: AnalyzeOptions[];
}

/** An `analyze` that returns the given findings and records how it was called. */
export function fakeEngine(findings: Finding[] | (() => Finding[]), extra: Partial<AnalysisResult> = {}): FakeEngine {
  const calls: AnalyzeOptions[] = [];
  return {
    calls,
    async analyze(options) {
      calls.push(options);
      return {
        root: options.root,
        findings: typeof findings === 'function' ? findings() : findings.map((f) => structuredClone(f)),
        rules: RULES,
        filesAnalyzed: 3,
        skipped: [],
        ...extra,
      };
    },
  };
}

/** Runs the SARIF SDK validator (SARIF spec rules plus GitHub ingestion rules) and returns its findings. */
export function validateSarif(log: string): Sarif.Result[] {
  const dir = workspace({ 'log.sarif': log });
  const input = path.join(dir, 'log.sarif');
  const output = path.join(dir, 'validation.sarif');
  // The package's bin re-runs its arguments through a shell: quote them.
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const run = spawnSync(
    'npx',
    ['--no-install', 'sarif-multitool', 'validate', quote(input), '--output', quote(output), '--rule-kind', quote('Sarif;Gh'), '--log', 'ForceOverwrite'],
    { cwd: REPO_ROOT, encoding: 'utf8', timeout: 180_000 },
  );
  assert.equal(run.status, 0, `validator failed to run:\n${run.stdout}\n${run.stderr}`);
  const validation = JSON.parse(fs.readFileSync(output, 'utf8')) as Sarif.Log;
  assert.equal(validation.runs[0]!.invocations?.[0]?.executionSuccessful, true, 'validator run succeeded');
  fs.rmSync(dir, { recursive: true, force: true });
  return validation.runs[0]!.results ?? [];
}

