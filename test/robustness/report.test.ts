/**
 * `report` beside a file nested too deeply to analyse: the documents are
 * written (no "Maximum call stack size exceeded"), the file is named on
 * stderr, and the findings document is the one of a run without it.
 */
import { it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli/runCli';
import { capture } from '../cli/helpers';
import { removeWorkspace, writeWorkspace } from '../support/workspace';
import { exampleFiles, plusChain } from '../support/hostile';

const roots: string[] = [];
after(() => roots.forEach(removeWorkspace));

async function report(extra: Record<string, string>) {
  const root = writeWorkspace({ ...exampleFiles(), ...extra });
  roots.push(root);
  const c = capture(root);
  const code = await runCli(['report', '--out', 'out'], c.io);
  return { code, out: c.stdout(), err: c.stderr(), findings: fs.readFileSync(path.join(root, 'out', 'findings.md'), 'utf8') };
}

it('report on a workspace with a 2,500-term expression file', async () => {
  const deep = await report(plusChain().files);
  assert.equal(deep.code, 0, deep.err);
  assert.equal(deep.err, 'warning: not analyzed: hostile/deep.ts: syntax nested 2503 levels deep, over the limit of 1000\n');
  assert.match(deep.out, /Review report in out: 9 written/);
  assert.equal(deep.findings, (await report({})).findings);
});
