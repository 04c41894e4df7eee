/**
 * UI check in a real browser: Debian's Chromium, driven by playwright-core,
 * against code-server with the packaged .vsix installed. Started by
 * scripts/editor/run-ui.mjs, which owns code-server; this file owns the browser.
 *
 * Environment:
 *   DPAT_UI_URL         code-server's base URL (http://127.0.0.1:PORT)
 *   DPAT_UI_WORKSPACES  JSON { "<fixture workspace>": "<absolute folder>" }
 *   DPAT_UI_ARTIFACTS   folder for the screenshots
 *   DPAT_UI_RESULTS     file to write { passed, failed, skipped } to
 *   DPAT_UI_ONLY        run only the scenarios whose name contains this
 *   DPAT_CHROMIUM       the browser (default /usr/bin/chromium)
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { SCENARIOS } from './scenarios';
import { Workbench } from './workbench';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run the UI check through scripts/editor/run-ui.mjs`);
  return value;
}

function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

async function main(): Promise<number> {
  const baseUrl = required('DPAT_UI_URL');
  const workspaces = JSON.parse(required('DPAT_UI_WORKSPACES')) as Record<string, string>;
  const artifacts = required('DPAT_UI_ARTIFACTS');
  fs.mkdirSync(artifacts, { recursive: true });
  const t0 = Date.now();
  const log = (message: string) => console.log(`[ui ${((Date.now() - t0) / 1000).toFixed(1)}s] ${message}`);
  const counts = { passed: 0, failed: 0, skipped: 0 };

  const browser = await chromium.launch({
    executablePath: process.env.DPAT_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    timeout: 60_000,
  });
  try {
    const only = process.env.DPAT_UI_ONLY;
    for (const [index, scenario] of SCENARIOS.entries()) {
      if (only && !scenario.name.includes(only)) continue;
      const folder = workspaces[scenario.workspace];
      if (!folder) throw new Error(`no fixture workspace ${scenario.workspace} was prepared`);
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      page.setDefaultTimeout(45_000);
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const workbench = new Workbench(page);
      log(`scenario ${scenario.name}: ${scenario.workspace}`);
      let failed = false;
      try {
        await workbench.open(`${baseUrl}/?folder=${encodeURIComponent(folder)}`);
      } catch (error) {
        failed = true;
        counts.failed++;
        console.log(`FAIL ${scenario.name} › open the workbench\n  ${error instanceof Error ? error.message : error}`);
        await page.screenshot({ path: path.join(artifacts, `${index + 1}-${scenario.name}-0-open-FAILED.png`) }).catch(() => {});
      }
      for (const [stepIndex, step] of scenario.steps.entries()) {
        const shot = path.join(artifacts, `${index + 1}-${scenario.name}-${stepIndex + 1}-${slug(step.name)}`);
        if (failed) {
          counts.skipped++;
          console.log(`SKIP ${scenario.name} › ${step.name} (an earlier step failed)`);
          continue;
        }
        const started = Date.now();
        try {
          await step.run(workbench);
          counts.passed++;
          await page.screenshot({ path: `${shot}.png` });
          console.log(`PASS ${scenario.name} › ${step.name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
        } catch (error) {
          failed = true;
          counts.failed++;
          await page.screenshot({ path: `${shot}-FAILED.png` }).catch(() => {});
          console.log(`FAIL ${scenario.name} › ${step.name}\n  ${error instanceof Error ? (error.stack ?? error.message) : error}`);
        }
      }
      if (pageErrors.length) log(`page errors in ${scenario.name} (not failures): ${pageErrors.slice(0, 3).join(' | ')}`);
      await context.close();
    }
  } finally {
    await browser.close();
  }
  const resultsFile = process.env.DPAT_UI_RESULTS;
  if (resultsFile) fs.writeFileSync(resultsFile, `${JSON.stringify(counts)}\n`);
  console.log(`ui check: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  return counts.failed === 0 && counts.passed > 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exit(1);
  },
);
