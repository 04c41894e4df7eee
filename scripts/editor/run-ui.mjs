#!/usr/bin/env node
/**
 * UI check in a real browser: packages the extension (npm run package), installs
 * the .vsix into a fresh code-server profile, copies the `ui-*` fixture
 * workspaces, starts code-server on 127.0.0.1 and runs test/editor/ui/main.ts
 * (Playwright with Debian's Chromium). Screenshots of every step go to
 * test-artifacts/editor/ui/.
 *
 *   node scripts/editor/run-ui.mjs [--vsix <file>] [--only <scenario>] [--counts <file>]
 *
 * --vsix uses an existing package instead of running `npm run package`.
 * Ends with "N passed, M failed"; exit code 0 only when everything passed.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  artifactsRoot, installExtension, listWorkspaces, log, makeRunDir, materialiseWorkspace, npmRun,
  registerCleanup, repoRoot, runCleanups, startCodeServer, summaryLine, withTimeout, writeCounts,
} from './lib.mjs';
import { ensureEditorHost } from './setup.mjs';

const UI_TIMEOUT_MS = 6 * 60_000;

function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Runs `npm run package` into the artifacts folder and returns the .vsix path. */
export function packageExtension(logFile) {
  const vsix = path.join(artifactsRoot, 'distributed-patterns.vsix');
  fs.rmSync(vsix, { force: true });
  log('npm run package');
  npmRun(['run', 'package', '--', '--out', vsix], logFile);
  if (!fs.existsSync(vsix)) throw new Error(`npm run package wrote no ${path.relative(repoRoot, vsix)}`);
  log(`packaged ${path.relative(repoRoot, vsix)} (${(fs.statSync(vsix).size / 1024 / 1024).toFixed(2)} MB)`);
  return vsix;
}

export async function runUi({ vsix, only, countsFile } = {}) {
  const out = path.join(artifactsRoot, 'ui');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  let counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    const host = ensureEditorHost();
    const packaged = vsix ? path.resolve(vsix) : packageExtension(path.join(out, 'package.log'));
    const runDir = makeRunDir('ui');
    registerCleanup(() => fs.rmSync(runDir, { recursive: true, force: true }));
    installExtension(host, runDir, packaged, path.join(out, 'code-server.log'));
    log(`installed ${path.basename(packaged)} into a fresh code-server profile`);

    const workspaces = Object.fromEntries(listWorkspaces('ui-').map((name) => [name, materialiseWorkspace(name, path.join(runDir, 'workspaces'))]));
    const server = await startCodeServer(host, runDir, { smokeTestDriver: true, logFile: path.join(out, 'code-server.log') });
    log(`code-server at ${server.url}`);

    const resultsFile = path.join(runDir, 'ui-results.json');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('test', 'editor', 'ui', 'main.ts')], {
      cwd: repoRoot,
      stdio: ['ignore', 'inherit', 'inherit'],
      env: {
        ...process.env,
        DPAT_UI_URL: server.url,
        DPAT_UI_WORKSPACES: JSON.stringify(workspaces),
        DPAT_UI_ARTIFACTS: out,
        DPAT_UI_RESULTS: resultsFile,
        DPAT_CHROMIUM: host.chromium,
        ...(only ? { DPAT_UI_ONLY: only } : {}),
      },
      detached: true, // its own group: the browser goes with it on timeout
    });
    const killChild = () => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } };
    registerCleanup(killChild);
    const exitCode = await withTimeout(new Promise((resolve) => child.on('exit', (code) => resolve(code))), UI_TIMEOUT_MS, 'the UI check')
      .catch((error) => { killChild(); throw error; });
    if (fs.existsSync(resultsFile)) counts = { ...counts, ...JSON.parse(fs.readFileSync(resultsFile, 'utf8')) };
    if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
    const shots = fs.readdirSync(out).filter((f) => f.endsWith('.png')).sort();
    log(`screenshots in ${path.relative(repoRoot, out)}: ${shots.join(', ') || 'none'}`);
  } catch (error) {
    console.error(`UI check failed: ${error instanceof Error ? error.message : error}`);
    counts.failed = Math.max(counts.failed, 1);
  } finally {
    await runCleanups();
  }
  writeCounts(countsFile, counts);
  console.log(`\nui check (code-server + Chromium): ${summaryLine(counts.passed, counts.failed, counts.skipped)}`);
  return counts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const counts = await runUi({ vsix: option('--vsix'), only: option('--only'), countsFile: option('--counts') });
  process.exit(counts.failed === 0 && counts.passed > 0 ? 0 : 1);
}
