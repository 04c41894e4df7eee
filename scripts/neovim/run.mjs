#!/usr/bin/env node
/**
 * `npm run test:neovim`: headless Neovim (Debian's package, 0.7.x; any 0.7+)
 * as a real third-party LSP client of the bundled server (dist/server.js) on a
 * temporary copy of examples/checkout. test/neovim/e2e.lua drives the editor;
 * this script builds, prepares the workspace, runs Neovim under a timeout and
 * checks what it recorded:
 *   - every expected finding of the example arrives as a diagnostic with its
 *     rule id, source and documentation link;
 *   - a code-action request on each finding (as vim.lua's code_action() makes
 *     it) gets "Disable ... for this line" and "Show documentation", and the
 *     rule's quick fix where the rule has one;
 *   - the inbox fix, chosen through vim.ui.select, edits the buffer and its
 *     finding goes; on the payments handler it uncovers a dual write (a repeat
 *     now skips the publish), whose outbox fix is offered.
 *   (The example's other dual write publishes through a wrapper the outbox fix
 *   does not rewrite, so the outbox fix is checked on the uncovered one.)
 *
 *   node scripts/neovim/run.mjs [--no-build]
 *
 * Needs `nvim` on PATH (.ci/run installs Debian's neovim). Ends with
 * "N passed, M failed"; exit code 0 only when all passed. The record and the
 * Neovim log are kept in test-artifacts/neovim/.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = path.join(repoRoot, 'test-artifacts', 'neovim');
const example = path.join(repoRoot, 'examples', 'checkout');
const TIMEOUT_MS = 4 * 60_000;
/** The quick fix each rule offers on the example (titles start with these). */
const RULE_FIXES = {
  'non-idempotent-consumer': 'Guard with an inbox',
  'missing-correlation-id': /^(Add correlation|Propagate the incoming correlation)/,
  'dual-write': 'Route through a transactional outbox',
  'unjustified-two-phase-commit': 'Record a justification',
  'unjustified-distributed-lock': 'Record a justification',
};

const started = Date.now();
const results = [];
const check = (name, ok, detail = '') => {
  results.push({ name, ok: !!ok });
  console.log(`${ok ? '✔' : '✖'} ${name}${!ok && detail ? `\n    ${detail.split('\n').join('\n    ')}` : ''}`);
};

function finish() {
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed || (results.length ? 0 : 1);
  console.log(`\n== neovim test: ${Math.round((Date.now() - started) / 1000)} s; artifacts in ${path.relative(process.cwd(), artifacts) || artifacts}`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

fs.rmSync(artifacts, { recursive: true, force: true });
fs.mkdirSync(artifacts, { recursive: true });

const version = spawnSync('nvim', ['--version'], { encoding: 'utf8', timeout: 10_000 });
const nvimVersion = /NVIM v(\d+)\.(\d+)\.(\d+)/.exec(version.stdout ?? '');
check(`nvim is installed (${nvimVersion ? nvimVersion[0] : 'not found'}), 0.7 or later`,
  nvimVersion && (Number(nvimVersion[1]) > 0 || Number(nvimVersion[2]) >= 7), 'install it: apt-get install -y neovim');
if (!nvimVersion) finish();

if (!process.argv.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: repoRoot, encoding: 'utf8', timeout: 5 * 60_000 });
  check('npm run build', build.status === 0, `${build.stdout}${build.stderr}`);
  if (build.status !== 0) finish();
}

// A throwaway copy: the test edits files.
const workspace = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-nvim-')), 'checkout');
fs.cpSync(example, workspace, { recursive: true, filter: (src) => !/[\\/](node_modules|docs[\\/]distributed)([\\/]|$)/.test(src) });
const expected = JSON.parse(fs.readFileSync(path.join(example, 'expected-findings.json'), 'utf8')).findings;
const perFile = {};
for (const f of expected) perFile[f.file] = (perFile[f.file] ?? 0) + 1;

const outFile = path.join(artifacts, 'record.json');
const logFile = path.join(artifacts, 'nvim.log');
const code = await new Promise((resolve) => {
  const child = spawn('nvim', ['--headless', '--clean', '-n', '-i', 'NONE', '-c', `luafile ${path.join(repoRoot, 'test', 'neovim', 'e2e.lua')}`], {
    cwd: workspace,
    detached: true,
    stdio: ['ignore', fs.openSync(logFile, 'w'), fs.openSync(logFile, 'a')],
    env: {
      ...process.env,
      XDG_CONFIG_HOME: path.join(workspace, '..', 'config'),
      XDG_DATA_HOME: path.join(workspace, '..', 'data'),
      XDG_STATE_HOME: path.join(workspace, '..', 'state'),
      XDG_CACHE_HOME: path.join(workspace, '..', 'cache'),
      DPAT_NODE: process.execPath,
      DPAT_SERVER: path.join(repoRoot, 'dist', 'server.js'),
      DPAT_WS: workspace,
      DPAT_EXPECT: JSON.stringify(perFile),
      DPAT_OUT: outFile,
    },
  });
  const timer = setTimeout(() => {
    console.error(`neovim did not finish within ${TIMEOUT_MS / 1000} s: killing it`);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
  }, TIMEOUT_MS);
  child.on('exit', (exitCode, signal) => {
    clearTimeout(timer);
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* the group is gone: the server exited with it */ }
    resolve(exitCode ?? signal);
  });
});

const record = fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, 'utf8')) : undefined;
const serverLog = () => (record?.server_log ?? []).slice(-40).join('\n');
check(`neovim ${record?.nvim ?? '?'} ran the script to its end (exit code ${code})`, record && code === 0 && record.errors.length === 0,
  `${(record?.errors ?? ['no record written']).join('\n')}\n-- nvim log:\n${fs.readFileSync(logFile, 'utf8').slice(-2000)}\n-- server log:\n${serverLog()}`);
if (!record) finish();

// Every expected finding arrives as a diagnostic with its rule id, source and documentation link.
for (const f of expected) {
  const seen = (record.files[f.file] ?? []).find((d) => d.code === f.rule && d.line === f.line);
  check(`diagnostic ${f.rule} at ${f.file}:${f.line}`, seen && seen.source === 'distributed-patterns' && /docs\/rules\//.test(seen.docs ?? ''),
    `got ${JSON.stringify(record.files[f.file] ?? null)}`);
}
const extra = Object.entries(record.files).flatMap(([file, ds]) => ds.filter((d) => !expected.some((f) => f.file === file && f.rule === d.code && f.line === d.line)).map((d) => `${d.code} at ${file}:${d.line}`));
check('no diagnostics beyond the expected findings in the opened files', extra.length === 0, extra.join('\n'));

// Code actions per finding, as Neovim received them.
console.log('\ncode actions received per finding:');
for (const a of record.actions) console.log(`  ${a.rule} at ${a.file}:${a.line}\n    echoed diagnostic fields: ${a.echoed_fields.join(' / ') || '(none)'}\n    ${a.titles.join('\n    ') || '(none)'}`);
console.log('');
for (const f of expected) {
  const got = record.actions.find((a) => a.file === f.file && a.rule === f.rule && a.line === f.line);
  const titles = got?.titles ?? [];
  check(`code actions on ${f.rule} at ${f.file}:${f.line}: disable for this line and show documentation`,
    titles.includes(`Disable distributed-patterns/${f.rule} for this line`) && titles.includes(`Show documentation for distributed-patterns/${f.rule}`),
    `got ${JSON.stringify(titles)}`);
}
for (const [rule, fix] of Object.entries(RULE_FIXES)) {
  // dual-write's outbox fix is also checked on the dual write the inbox fix uncovers (step 4 of e2e.lua).
  const on = [...record.actions, ...(record.uncovered ?? [])].filter((a) => a.rule === rule);
  if (!on.length) continue;
  const matches = (t) => (typeof fix === 'string' ? t.startsWith(fix) : fix.test(t));
  check(`the ${rule} quick fix is offered on at least one of its findings`, on.some((a) => a.titles.some(matches)),
    on.map((a) => `${a.file}:${a.line}: ${a.titles.join(' | ')}`).join('\n'));
}

const applied = record.applied;
check(`the inbox fix, chosen through vim.ui.select, edits the buffer (${applied?.title ?? 'not applied'})`, applied?.buffer_modified === true, JSON.stringify(applied ?? null));
check(`its non-idempotent-consumer finding goes (${applied ? `${applied.file}:${applied.line}` : '-'})`, applied?.finding_gone === true,
  `${JSON.stringify(applied ?? null)}\n-- server log:\n${serverLog()}`);
check('the inbox on the payments handler uncovers its dual write, as the inbox finding\'s hint says', applied?.file?.includes('payments') && (record.uncovered ?? []).some((a) => a.rule === 'dual-write'),
  JSON.stringify({ applied: applied ?? null, uncovered: record.uncovered ?? null }));
fs.rmSync(path.dirname(workspace), { recursive: true, force: true });
finish();
