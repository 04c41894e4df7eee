#!/usr/bin/env node
/**
 * `npm run test:editor`: the real-editor tests, with everything they need set up first.
 *
 *   1. setup (scripts/editor/setup.mjs): apt chromium + libkrb5-dev, Node 24 and
 *      code-server from npm into a cache folder outside the repo (skipped when warm);
 *   2. UI check (run-ui.mjs): `npm run package`, the .vsix installed into
 *      code-server, Playwright + Chromium through the scenarios, screenshots;
 *   3. extension-host suite in code-server (run-exthost-code-server.mjs):
 *      `npm run build`, mocha against the real `vscode` API.
 *
 *   node scripts/editor/run.mjs [--counts <file>]
 *
 * Artifacts: test-artifacts/editor/. Ends with "N passed, M failed" summed over
 * both parts (--counts also writes them as JSON); exit code 0 only when all passed.
 * The desktop-VS Code runner (run-exthost-electron.mjs) is not run here: it needs
 * a download this machine cannot make.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { artifactsRoot, log, summaryLine, writeCounts } from './lib.mjs';
import { runExthostInCodeServer } from './run-exthost-code-server.mjs';
import { runUi } from './run-ui.mjs';
import { ensureEditorHost } from './setup.mjs';

function option(name) {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const started = Date.now();
fs.mkdirSync(artifactsRoot, { recursive: true });
const total = { passed: 0, failed: 0, skipped: 0 };
const parts = [];

let ready = false;
try {
  log('setup: Chromium, Node 24, code-server');
  ensureEditorHost();
  ready = true;
} catch (error) {
  console.error(`editor test setup failed: ${error instanceof Error ? error.message : error}`);
  total.failed++;
}

if (ready) {
  console.log('\n== UI check: packaged .vsix in code-server, driven by Chromium');
  parts.push(['ui check', await runUi()]);
  console.log('\n== extension-host suite in code-server');
  parts.push(['extension host', await runExthostInCodeServer({ build: true })]);
}

for (const [, counts] of parts) {
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped ?? 0;
}
writeCounts(option('--counts'), total);
console.log(`\n== editor tests: ${parts.map(([name, c]) => `${name} ${c.passed}/${c.passed + c.failed}`).join(', ') || 'not run'}; ${Math.round((Date.now() - started) / 1000)} s; artifacts in ${path.relative(process.cwd(), artifactsRoot) || artifactsRoot}`);
console.log(summaryLine(total.passed, total.failed, total.skipped));
process.exit(total.failed === 0 && total.passed > 0 ? 0 : 1);
