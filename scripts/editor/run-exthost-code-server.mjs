#!/usr/bin/env node
/**
 * Runs the extension-host mocha suite (test/editor/suite/) inside code-server's
 * Node extension host, headless, on this machine (no desktop VS Code needed):
 *
 *   1. sets up Node 24, code-server and Chromium (scripts/editor/setup.mjs);
 *   2. builds dist/ (npm run build) unless --no-build, and bundles the suite;
 *   3. copies the `exthost-*` fixture workspaces into a temporary folder and
 *      opens them together as one multi-root workspace;
 *   4. starts code-server on 127.0.0.1 (port picked by the OS) with the
 *      smoke-test driver, opens the workbench in headless Chromium with the
 *      repo as extensionDevelopmentPath and the bundle as extensionTestsPath,
 *      and receives the suite's exit code through `codeAutomationExit`.
 *
 *   node scripts/editor/run-exthost-code-server.mjs [--no-build] [--grep <re>] [--counts <file>]
 *
 * Ends with "N passed, M failed"; exit code 0 only when everything passed.
 * Logs and a final screenshot go to test-artifacts/editor/exthost/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import { chromium } from 'playwright-core';
import {
  CHROMIUM_ARGS, artifactsRoot, bundleSuite, listWorkspaces, log, makeRunDir, materialiseWorkspace, npmRun,
  registerCleanup, repoRoot, runCleanups, startCodeServer, summaryLine, tailFile, withTimeout, writeCounts,
} from './lib.mjs';
import { ensureEditorHost } from './setup.mjs';

const SUITE_TIMEOUT_MS = 6 * 60_000;

function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

export async function runExthostInCodeServer({ build = true, grep, countsFile } = {}) {
  const out = path.join(artifactsRoot, 'exthost');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const counts = { passed: 0, failed: 0, skipped: 0 };
  try {
    const host = ensureEditorHost();
    if (build) {
      log('npm run build');
      npmRun(['run', 'build'], path.join(out, 'build.log'));
    }
    const runDir = makeRunDir('exthost');
    registerCleanup(() => fs.rmSync(runDir, { recursive: true, force: true }));
    const suite = await bundleSuite(path.join(out, 'suite'));

    const names = listWorkspaces('exthost-');
    const folders = names.map((name) => ({ path: materialiseWorkspace(name, path.join(runDir, 'workspaces')) }));
    const workspaceFile = path.join(runDir, 'workspaces', 'exthost.code-workspace');
    fs.writeFileSync(workspaceFile, `${JSON.stringify({ folders, settings: {} }, null, 2)}\n`);
    log(`workspace: ${names.join(', ')}`);

    const resultsFile = path.join(runDir, 'results.json');
    const reportFile = path.join(out, 'report.txt');
    const server = await startCodeServer(host, runDir, {
      smokeTestDriver: true,
      logFile: path.join(out, 'code-server.log'),
      // Inherited by the extension host that runs the suite.
      env: { DPAT_EDITOR_RESULTS: resultsFile, DPAT_EDITOR_REPORT: reportFile, ...(grep ? { DPAT_EDITOR_GREP: grep } : {}) },
    });
    log(`code-server at ${server.url}`);

    const authority = `127.0.0.1:${server.port}`;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${repoRoot}`],
      ['extensionTestsPath', `vscode-remote://${authority}${suite}`],
      ['skipWelcome', 'true'],
    ];
    const url = `${server.url}/?workspace=${encodeURIComponent(workspaceFile)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    const browser = await chromium.launch({ executablePath: host.chromium, headless: true, args: CHROMIUM_ARGS, timeout: 60_000 });
    registerCleanup(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const consoleLog = fs.createWriteStream(path.join(out, 'workbench-console.log'));
    page.on('pageerror', (error) => consoleLog.write(`[pageerror] ${error.message}\n`));

    let resolveExit;
    const exited = new Promise((resolve) => { resolveExit = resolve; });
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(code));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      consoleLog.write(`[log ${type}] ${format(...(Array.isArray(args) ? args : [args]))}\n`);
    });
    // The suite appends mocha's report to a file; show it as it grows.
    const stopTail = tailFile(reportFile, (line) => console.log(`  | ${line}`));
    registerCleanup(stopTail);

    log('opening the workbench; the suite runs in the extension host');
    await page.goto(url, { timeout: 60_000 });
    let code;
    try {
      code = await withTimeout(exited, SUITE_TIMEOUT_MS, 'the extension-host suite');
    } finally {
      await page.screenshot({ path: path.join(out, 'workbench-at-exit.png') }).catch(() => {});
      consoleLog.end();
      stopTail();
    }
    log(`extension host exit code ${code}`);

    if (fs.existsSync(resultsFile)) {
      const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
      Object.assign(counts, { passed: results.passed, failed: results.failed, skipped: results.skipped });
      fs.copyFileSync(resultsFile, path.join(out, 'results.json'));
    }
    if (code !== 0 && counts.failed === 0) counts.failed = 1; // the suite did not even report
  } catch (error) {
    console.error(`extension-host run failed: ${error instanceof Error ? error.message : error}`);
    counts.failed = Math.max(counts.failed, 1);
  } finally {
    await runCleanups();
  }
  writeCounts(countsFile, counts);
  console.log(`\nextension host (code-server): ${summaryLine(counts.passed, counts.failed, counts.skipped)}`);
  return counts;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  const counts = await runExthostInCodeServer({
    build: !process.argv.includes('--no-build'),
    grep: option('--grep'),
    countsFile: option('--counts'),
  });
  process.exit(counts.failed === 0 && counts.passed > 0 ? 0 : 1);
}
