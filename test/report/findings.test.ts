/** The findings document lists suppressions with their reasons (the example itself has none). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copyExample, renderExample, replaceInFile } from './helpers';

test('suppressed findings are listed with their reason, and without one as such', () => {
  const dir = copyExample();
  try {
    replaceInFile(
      path.join(dir, 'services/inventory/src/stock-sync.ts'),
      '    lock = await redlock.acquire(',
      '    // distributed-patterns-disable-next-line unjustified-distributed-lock -- a single replica runs the sync in production\n    lock = await redlock.acquire(',
    );
    replaceInFile(
      path.join(dir, 'services/ledger/src/refund.ts'),
      "    await journal.query(`PREPARE TRANSACTION '${gid}-journal'`);",
      "    // distributed-patterns-disable-next-line unjustified-two-phase-commit\n    await journal.query(`PREPARE TRANSACTION '${gid}-journal'`);",
    );
    const report = renderExample(dir);
    const findings = report.files.find((f) => f.name === 'findings.md')!.content;
    const suppressed = findings.slice(findings.indexOf('## Suppressed findings'), findings.indexOf('## Recorded justifications'));
    const lock = report.topology.findings.find((f) => f.ruleId === 'unjustified-distributed-lock' && f.suppressed);
    assert.ok(lock, 'the lock finding is suppressed');
    const at = `services/inventory/src/stock-sync.ts:${lock.location.range.start.line}`;
    assert.ok(suppressed.includes(`| [${at}](../../${at.replace(':', '#L')}) | unjustified-distributed-lock | comment in source | a single replica runs the sync in production |`), suppressed);
    assert.match(suppressed, /\| unjustified-two-phase-commit \| comment in source \| \*\*no reason given\*\* \|/);
    assert.match(findings, /\| \[unjustified-distributed-lock\]\([^)]+\) \| 0 \| 1 \|/);
    const readme = report.files.find((f) => f.name === 'README.md')!.content;
    assert.match(readme, /\| Suppressed findings \| 2 \|/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
