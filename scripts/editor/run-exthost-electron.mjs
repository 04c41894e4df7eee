#!/usr/bin/env node
/**
 * Runs the same extension-host mocha suite (test/editor/suite/) in desktop
 * VS Code through @vscode/test-electron: the usual runner wherever VS Code can
 * be downloaded (a developer's machine, a CI with internet access).
 *
 * Machines without a route to VS Code's download server (like the offline
 * machines this project's CI runs on) cannot use it: the script says so and
 * exits with code 2. Use run-exthost-code-server.mjs there; it runs the same
 * suite in code-server's extension host. This runner is not part of .ci/run.
 *
 *   node scripts/editor/run-exthost-electron.mjs [--no-build] [--grep <re>] [--version <vscode version>]
 *
 * DPAT_VSCODE_EXECUTABLE=<path to code> uses an installed VS Code instead of a
 * download; downloads are cached outside the repo (see setup.mjs cacheRoot()).
 * On Linux without a display, run it under `xvfb-run -a`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  artifactsRoot, bundleSuite, listWorkspaces, log, makeRunDir, materialiseWorkspace, npmRun, registerCleanup,
  repoRoot, runCleanups, summaryLine, tailFile, withTimeout, writeCounts,
} from './lib.mjs';
import { cacheRoot } from './setup.mjs';

const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const SUITE_TIMEOUT_MS = 10 * 60_000;

function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

/** Thrown when VS Code cannot be downloaded: not a test failure, an environment without the download server. */
class NoVsCode extends Error {}

async function vscodeExecutable(testElectron, version) {
  if (process.env.DPAT_VSCODE_EXECUTABLE) return process.env.DPAT_VSCODE_EXECUTABLE;
  log(`downloading VS Code ${version} with @vscode/test-electron (cached in ${path.join(cacheRoot(), 'vscode-electron')})`);
  try {
    return await withTimeout(
      testElectron.downloadAndUnzipVSCode({ version, cachePath: path.join(cacheRoot(), 'vscode-electron'), timeout: 30_000 }),
      DOWNLOAD_TIMEOUT_MS,
      'the VS Code download',
    );
  } catch (error) {
    throw new NoVsCode(`VS Code ${version} could not be downloaded (${error instanceof Error ? error.message : error}).`);
  }
}

export async function runExthostInElectron({ build = true, grep, version = 'stable', countsFile } = {}) {
  const out = path.join(artifactsRoot, 'exthost-electron');
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out, { recursive: true });
  const counts = { passed: 0, failed: 0, skipped: 0 };
  let unavailable = false;
  try {
    const testElectron = await import('@vscode/test-electron');
    const executable = await vscodeExecutable(testElectron, version);
    if (build) {
      log('npm run build');
      npmRun(['run', 'build'], path.join(out, 'build.log'));
    }
    const runDir = makeRunDir('electron');
    registerCleanup(() => fs.rmSync(runDir, { recursive: true, force: true }));
    const suite = await bundleSuite(path.join(out, 'suite'));
    const names = listWorkspaces('exthost-');
    const folders = names.map((name) => ({ path: materialiseWorkspace(name, path.join(runDir, 'workspaces')) }));
    const workspaceFile = path.join(runDir, 'workspaces', 'exthost.code-workspace');
    fs.writeFileSync(workspaceFile, `${JSON.stringify({ folders, settings: {} }, null, 2)}\n`);

    const resultsFile = path.join(runDir, 'results.json');
    const reportFile = path.join(out, 'report.txt');
    const stopTail = tailFile(reportFile, (line) => console.log(`  | ${line}`));
    registerCleanup(stopTail);
    log(`running the suite in ${executable}`);
    const code = await withTimeout(testElectron.runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      extensionTestsEnv: { DPAT_EDITOR_RESULTS: resultsFile, DPAT_EDITOR_REPORT: reportFile, ...(grep ? { DPAT_EDITOR_GREP: grep } : {}) },
      launchArgs: [
        workspaceFile,
        '--user-data-dir', path.join(runDir, 'user-data'),
        '--extensions-dir', path.join(runDir, 'extensions'),
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
        '--disable-gpu',
      ],
    }).catch((error) => (typeof error === 'number' ? error : Promise.reject(error))), SUITE_TIMEOUT_MS, 'the extension-host suite in VS Code');
    stopTail();
    if (fs.existsSync(resultsFile)) {
      const results = JSON.parse(fs.readFileSync(resultsFile, 'utf8'));
      Object.assign(counts, { passed: results.passed, failed: results.failed, skipped: results.skipped });
    }
    if (code !== 0 && counts.failed === 0) counts.failed = 1;
  } catch (error) {
    if (error instanceof NoVsCode) {
      unavailable = true;
      console.error([
        error.message,
        '@vscode/test-electron needs to download desktop VS Code, which this machine cannot reach.',
        'Run the same suite in code-server instead: node scripts/editor/run-exthost-code-server.mjs',
        '(or set DPAT_VSCODE_EXECUTABLE to an installed VS Code).',
      ].join('\n'));
    } else {
      console.error(`extension-host run in VS Code failed: ${error instanceof Error ? error.message : error}`);
      counts.failed = Math.max(counts.failed, 1);
    }
  } finally {
    await runCleanups();
  }
  writeCounts(countsFile, counts);
  if (!unavailable) console.log(`\nextension host (VS Code desktop): ${summaryLine(counts.passed, counts.failed, counts.skipped)}`);
  return { ...counts, unavailable };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const result = await runExthostInElectron({
    build: !process.argv.includes('--no-build'),
    grep: option('--grep'),
    version: option('--version') ?? 'stable',
    countsFile: option('--counts'),
  });
  process.exit(result.unavailable ? 2 : result.failed === 0 && result.passed > 0 ? 0 : 1);
}
