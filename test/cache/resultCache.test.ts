/**
 * `check --cache`: an unchanged workspace is served from the cache file
 * (observed through the "cache:" log lines and the returned status, never
 * through time); a changed file is analysed again and the findings that
 * depend on it, in other files too, follow; a corrupt cache file is ignored
 * with a log line. Runs the real engine on real files.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../../server/src/engine/analyze';
import type { AnalyzeOptions, AnalysisResult } from '../../server/src/engine/api';
import { analyzeWithCache, type CacheOptions } from '../../server/src/engine/cache/resultCache';
import { collectInputs } from '../../server/src/engine/cache/inputs';
import { runCli } from '../../server/src/cli/runCli';
import { capture, workspace } from '../cli/helpers';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** Two services importing one shared pg client module: a shared-database finding in each service's file. */
function sharedDbWorkspace(): string {
  return workspace({
    'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['services/*', 'libs/*'] }),
    'libs/db/package.json': JSON.stringify({ name: '@acme/db', version: '1.0.0', main: 'src/index.ts' }),
    'libs/db/src/index.ts': lines("import { Pool } from 'pg';", '', 'export const pool = new Pool({ connectionString: process.env.DATABASE_URL });'),
    'services/orders/src/repo.ts': lines(
      "import { pool } from '@acme/db';",
      '',
      "export const findOrder = (id: string) => pool.query('SELECT * FROM orders WHERE id = $1', [id]);",
    ),
    'services/billing/src/repo.ts': lines(
      "import { pool } from '@acme/db';",
      '',
      "export const unpaid = () => pool.query('SELECT * FROM orders WHERE paid = false');",
    ),
  });
}

/** The billing service gets its own client: no service shares the module any more. */
const BILLING_OWN_CLIENT = lines(
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool({ connectionString: process.env.BILLING_DATABASE_URL });',
  "export const unpaid = () => pool.query('SELECT * FROM invoices WHERE paid = false');",
);

interface Run {
  result: AnalysisResult;
  status: string;
  changed: string[];
  logs: string[];
  analysed: number;
}

async function run(root: string, cacheFile: string, options: Partial<AnalyzeOptions> = {}, engineVersion = 'test'): Promise<Run> {
  const logs: string[] = [];
  let analysed = 0;
  const cache: CacheOptions = { location: cacheFile, engineVersion, log: (m) => logs.push(m) };
  const out = await analyzeWithCache({ root, ...options }, cache, async (o) => {
    analysed++;
    return analyze(o);
  });
  return { result: out.result, status: out.status, changed: out.changed, logs, analysed };
}

const shared = (r: AnalysisResult) => r.findings.filter((f) => f.ruleId === 'shared-database').map((f) => f.location.file).sort();

test('an unchanged workspace is served from the cache with the same findings', async () => {
  const root = sharedDbWorkspace();
  const cacheFile = path.join(root, '.dpat-cache');
  const first = await run(root, cacheFile);
  assert.equal(first.status, 'new');
  assert.equal(first.analysed, 1);
  assert.ok(fs.existsSync(cacheFile), 'the cache file is written');
  assert.deepEqual(shared(first.result), ['services/billing/src/repo.ts', 'services/orders/src/repo.ts']);

  const second = await run(root, cacheFile);
  assert.equal(second.status, 'hit');
  assert.equal(second.analysed, 0, 'the engine did not run');
  assert.match(second.logs.join('\n'), /cache: \d+ inputs unchanged; reusing the results/);
  assert.deepEqual(JSON.parse(JSON.stringify(second.result.findings)), JSON.parse(JSON.stringify(first.result.findings)));
  fs.rmSync(root, { recursive: true, force: true });
});

test('a changed file is analysed again and cross-file findings follow: dropping the shared client in one service clears the other service', async () => {
  const root = sharedDbWorkspace();
  const cacheFile = path.join(root, '.dpat-cache');
  await run(root, cacheFile);
  fs.writeFileSync(path.join(root, 'services/billing/src/repo.ts'), BILLING_OWN_CLIENT);

  const after = await run(root, cacheFile);
  assert.equal(after.status, 'miss');
  assert.equal(after.analysed, 1);
  assert.deepEqual(after.changed, ['services/billing/src/repo.ts']);
  assert.match(after.logs.join('\n'), /cache: 1 input changed \(services\/billing\/src\/repo\.ts\); analysing/);
  // The orders file did not change, yet its finding is gone: it rested on billing's import.
  assert.deepEqual(shared(after.result), []);
  assert.deepEqual(after.result.findings, (await analyze({ root })).findings, 'same as an uncached run');

  // And back: the finding returns in both files.
  fs.writeFileSync(path.join(root, 'services/billing/src/repo.ts'), lines(
    "import { pool } from '@acme/db';",
    '',
    "export const unpaid = () => pool.query('SELECT * FROM orders WHERE paid = false');",
  ));
  const back = await run(root, cacheFile);
  assert.equal(back.status, 'miss');
  assert.deepEqual(shared(back.result), ['services/billing/src/repo.ts', 'services/orders/src/repo.ts']);
  assert.equal((await run(root, cacheFile)).status, 'hit');
  fs.rmSync(root, { recursive: true, force: true });
});

test('configuration inputs invalidate the cache too: .env, package.json, the architecture file, a new service folder', async () => {
  const root = sharedDbWorkspace();
  const cacheFile = path.join(root, '.dpat-cache');
  await run(root, cacheFile);
  const edits: [string, string][] = [
    ['services/orders/.env', 'DATABASE_URL=postgres://db/orders\n'],
    ['libs/db/package.json', JSON.stringify({ name: '@acme/database', version: '1.0.0', main: 'src/index.ts' })],
    ['architecture.yaml', 'version: 1\nservices:\n  orders:\n    paths: [services/orders]\n'],
    ['docker-compose.yml', 'services:\n  orders:\n    build: services/orders\n'],
  ];
  for (const [rel, text] of edits) {
    fs.writeFileSync(path.join(root, rel), text);
    const r = await run(root, cacheFile);
    assert.equal(r.status, 'miss', `${rel} changes the inputs`);
    assert.ok(r.changed.includes(rel), `${rel} is named as changed: ${r.changed.join(', ')}`);
  }
  fs.mkdirSync(path.join(root, 'services/shipping'));
  const dir = await run(root, cacheFile);
  assert.equal(dir.status, 'miss', 'a new (empty) service folder changes the inputs');
  assert.equal((await run(root, cacheFile)).status, 'hit');
  fs.rmSync(root, { recursive: true, force: true });
});

test('another engine version or other options never reuse a result', async () => {
  const root = sharedDbWorkspace();
  const cacheFile = path.join(root, '.dpat-cache');
  await run(root, cacheFile, {}, 'v1');
  const other = await run(root, cacheFile, {}, 'v2');
  assert.equal(other.status, 'miss');
  assert.match(other.logs.join('\n'), /another engine version or with other options/);
  const filtered = await run(root, cacheFile, { paths: ['services/orders'] }, 'v2');
  assert.equal(filtered.status, 'miss');
  assert.deepEqual(shared(filtered.result), ['services/orders/src/repo.ts']);
  fs.rmSync(root, { recursive: true, force: true });
});

test('a corrupt or foreign cache file is ignored with a log line, then replaced', async () => {
  const root = sharedDbWorkspace();
  const cacheFile = path.join(root, '.dpat-cache');
  for (const junk of ['{"format": "distributed-patterns-cache/1", "findings": [', '\u0000\u0001binary', '{"format":"something-else"}', '[]']) {
    fs.writeFileSync(cacheFile, junk);
    const r = await run(root, cacheFile);
    assert.equal(r.status, 'corrupt');
    assert.equal(r.analysed, 1);
    assert.match(r.logs.join('\n'), /cache: ignoring .*\.dpat-cache: not a valid cache file/);
    assert.deepEqual(shared(r.result), ['services/billing/src/repo.ts', 'services/orders/src/repo.ts']);
    assert.equal((await run(root, cacheFile)).status, 'hit', 'the corrupt file was replaced by a good one');
  }
  fs.rmSync(root, { recursive: true, force: true });
});

test('the cache file itself is not an input, wherever it lives', () => {
  const root = sharedDbWorkspace();
  const cacheFile = path.join(root, 'cache.json');
  fs.writeFileSync(cacheFile, '{}');
  assert.ok(!collectInputs({ root, exclude: [cacheFile] }).has('file:cache.json'));
  assert.ok(collectInputs({ root }).has('file:cache.json'));
  fs.rmSync(root, { recursive: true, force: true });
});

test('check --cache through the CLI: same JSON output, cache line with --verbose, corrupt cache warned about on stderr', async () => {
  const root = sharedDbWorkspace();
  const cacheFile = path.join(root, 'tmp', 'dpat.cache');
  const cli = async (...args: string[]) => {
    const c = capture(root);
    const code = await runCli(['check', '--format', 'json', ...args], c.io);
    return { code, out: c.stdout(), err: c.stderr() };
  };
  const plain = await cli();
  const first = await cli('--cache-location', cacheFile);
  assert.ok(fs.existsSync(cacheFile), '--cache-location implies --cache and creates folders');
  const second = await cli('--cache', '--cache-location', cacheFile, '--verbose');
  assert.match(second.err, /cache: \d+ inputs unchanged/);
  assert.equal(first.code, plain.code);
  assert.equal(second.code, plain.code);
  assert.deepEqual(JSON.parse(second.out).findings, JSON.parse(plain.out).findings);
  assert.deepEqual(JSON.parse(first.out).findings, JSON.parse(plain.out).findings);

  fs.writeFileSync(cacheFile, 'not json');
  const corrupt = await cli('--cache-location', cacheFile);
  assert.match(corrupt.err, /cache: ignoring .*not a valid cache file/);
  assert.deepEqual(JSON.parse(corrupt.out).findings, JSON.parse(plain.out).findings);

  // Default location: .dpat-cache in the current directory.
  await cli('--cache');
  assert.ok(fs.existsSync(path.join(root, '.dpat-cache')));
  fs.rmSync(root, { recursive: true, force: true });
});
