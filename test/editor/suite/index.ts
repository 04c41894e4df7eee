/**
 * Entry of the extension-host suite (`extensionTestsPath`): VS Code's
 * extension host calls `run()` with the real `vscode` API available. The same
 * bundle runs in code-server's extension host (scripts/editor/run-exthost-code-server.mjs)
 * and in desktop VS Code through @vscode/test-electron (run-exthost-electron.mjs).
 *
 * Environment:
 *   DPAT_EDITOR_RESULTS  file to write { passed, failed, skipped, failures } to
 *   DPAT_EDITOR_REPORT   file to append mocha's spec report to, line by line (the
 *                        host's console is not always visible to the runner)
 *   DPAT_EDITOR_GREP     run only the tests whose full title matches
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { format } from 'node:util';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  const reportFile = process.env.DPAT_EDITOR_REPORT;
  const print = Mocha.reporters.Base.consoleLog;
  Mocha.reporters.Base.consoleLog = (...args: unknown[]) => {
    // Plain text: mocha's check marks come colored when CI is set, whatever `color` says.
    if (reportFile) fs.appendFileSync(reportFile, `${format(...args).replace(/\u001b\[[0-9;]*m/g, '')}\n`);
    print(...args);
  };
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    // A test's own waits time out first (60 s) with a message saying what was missing.
    timeout: 120_000,
    slow: 10_000,
    grep: process.env.DPAT_EDITOR_GREP || undefined,
  });
  mocha.suite.emit('pre-require', globalThis, 'distributed-patterns-editor-suite', mocha);
  // Loaded after `pre-require`, in this order: activation first, then the scenarios.
  require('./extension.test');
  require('./diagnostics.test');
  require('./quickFixes.test');
  require('./commands.test');

  const counts = { passed: 0, failed: 0, skipped: 0, failures: [] as { title: string; error: string }[] };
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run(resolve);
    runner.on('pass', () => { counts.passed++; });
    runner.on('pending', () => { counts.skipped++; });
    runner.on('fail', (test, error) => {
      counts.failed++;
      counts.failures.push({ title: test.fullTitle(), error: error?.stack ?? String(error) });
    });
  });

  const resultsFile = process.env.DPAT_EDITOR_RESULTS;
  if (resultsFile) {
    fs.mkdirSync(path.dirname(resultsFile), { recursive: true });
    fs.writeFileSync(resultsFile, `${JSON.stringify(counts, null, 2)}\n`);
  }
  Mocha.reporters.Base.consoleLog(`extension host suite: ${counts.passed} passed, ${counts.failed} failed${counts.skipped ? `, ${counts.skipped} skipped` : ''}`);
  Mocha.reporters.Base.consoleLog = print;
  if (failures > 0 || counts.passed === 0) throw new Error(`${failures} extension-host test(s) failed`);
}
