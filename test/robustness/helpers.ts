/**
 * Shared pieces of the fault suite: a small workspace with known findings, the
 * bundled CLI run as a child process (with a generous timeout that only guards
 * against hangs), and special files (FIFOs, devices) where the platform has them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(REPO_ROOT, 'dist', 'cli.js');
/** Only a guard against hangs: every scenario is expected to end in a fraction of it. */
export const HANG_GUARD_MS = 60_000;

export const POSIX = process.platform !== 'win32';
export const IS_ROOT = typeof process.getuid === 'function' && process.getuid() === 0;

/** Two services sharing one database (bound in the root .env), a consumer that inserts without dedupe: a few findings in two files. */
export const BASE_FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'fault-ws', private: true, workspaces: ['services/*'] }),
  '.env': 'SHARED_DATABASE_URL=postgres://app:secret@postgres:5432/shop\n',
  'services/orders/package.json': JSON.stringify({ name: 'orders' }),
  'services/billing/package.json': JSON.stringify({ name: 'billing' }),
  'services/orders/src/repo.ts': [
    "import { Pool } from 'pg';",
    'export const pool = new Pool({ connectionString: process.env.SHARED_DATABASE_URL });',
    "export async function save(id: string) { await pool.query('INSERT INTO orders(id) VALUES ($1)', [id]); }",
    '',
  ].join('\n'),
  'services/billing/src/repo.ts': [
    "import { Pool } from 'pg';",
    'export const pool = new Pool({ connectionString: process.env.SHARED_DATABASE_URL });',
    "export async function bill(id: string) { await pool.query('INSERT INTO invoices(id) VALUES ($1)', [id]); }",
    '',
  ].join('\n'),
  'services/billing/src/consumer.ts': [
    "import { Kafka } from 'kafkajs';",
    "const consumer = new Kafka({ clientId: 'billing', brokers: ['k:9092'] }).consumer({ groupId: 'billing' });",
    'export async function start() {',
    "  await consumer.subscribe({ topic: 'order.created' });",
    '  await consumer.run({',
    '    eachMessage: async ({ message }) => {',
    "      await pool.query('INSERT INTO invoices(order_id) VALUES ($1)', [message.value?.toString()]);",
    '    },',
    '  });',
    '}',
    "import { pool } from './repo';",
    '',
  ].join('\n'),
};

export function tempDir(prefix = 'dpat-fault-'): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), prefix)));
}

export function makeWorkspace(extra: Record<string, string> = {}): string {
  const root = tempDir();
  for (const [rel, text] of Object.entries({ ...BASE_FILES, ...extra })) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
  return root;
}

export function remove(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time and peak memory, printed by the suite for the record (never asserted). */
  ms: number;
}

/**
 * Runs the bundled CLI. `stdoutFile` redirects stdout to a file or device (e.g. /dev/full);
 * `closeStdout` closes the reading end of the pipe at once (EPIPE on the first write).
 */
export function runCli(args: string[], cwd: string, options: { stdoutFile?: string; closeStdout?: boolean } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const out = options.stdoutFile ? fs.openSync(options.stdoutFile, 'w') : 'pipe';
    const child = spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', out, 'pipe'], env: { ...process.env, NO_COLOR: '' } });
    if (typeof out === 'number') fs.closeSync(out);
    let stdout = '';
    let stderr = '';
    if (options.closeStdout) child.stdout?.destroy();
    else child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dpat ${args.join(' ')} did not finish within ${HANG_GUARD_MS} ms (hang)\n${stderr}`));
    }, HANG_GUARD_MS);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}

export function mkfifo(abs: string): boolean {
  return POSIX && spawnSync('mkfifo', [abs]).status === 0;
}

/** Findings as comparable strings (rule, file, line), in order. */
export function findingKeys(json: string): string[] {
  const parsed = JSON.parse(json) as { findings: { ruleId: string; location: { file: string; range: { start: { line: number } } } }[] };
  return parsed.findings.map((f) => `${f.ruleId} ${f.location.file}:${f.location.range.start.line}`);
}
