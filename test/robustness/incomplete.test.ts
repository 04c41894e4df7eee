/**
 * A run that could not analyse everything says so on stderr and in every
 * format, and fails with exit 2 under --max-skipped.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import type * as Sarif from 'sarif';
import { runCli } from '../../server/src/cli/runCli';
import { capture, fakeEngine, finding, workspace } from '../cli/helpers';
import { notChain } from '../support/hostile';
import { UNGUARDED_CONSUMER } from './unguardedConsumer';

const CONSUMER = UNGUARDED_CONSUMER;

const root = workspace({ 'src/consumer.ts': CONSUMER, ...notChain().files });
after(() => fs.rmSync(root, { recursive: true, force: true }));

async function check(...args: string[]) {
  const c = capture(root);
  const code = await runCli(['check', ...args], c.io);
  return { code, out: c.stdout(), err: c.stderr() };
}

const REASON = 'syntax nested 3004 levels deep, over the limit of 1000';

describe('an incomplete analysis', () => {
  it('stylish: the findings, the skipped file after the summary, and a warning on stderr', async () => {
    const r = await check('--no-color');
    assert.equal(r.code, 1, 'the consumer finding is an error; skipped files do not change the exit code by default');
    assert.match(r.out, /src\/consumer\.ts/);
    assert.match(r.out, new RegExp(`1 file not analyzed:\\n  hostile/deep\\.ts  ${REASON}`));
    assert.equal(r.err, `warning: 1 file not analyzed; findings in it are missing:\n  hostile/deep.ts: ${REASON}\n`);
  });

  it('json and sarif carry it too', async () => {
    const json = JSON.parse((await check('--format', 'json')).out);
    assert.deepEqual(json.skipped, [{ file: 'hostile/deep.ts', reason: REASON }]);
    assert.deepEqual(json.notices, []);
    const sarif = JSON.parse((await check('--format', 'sarif')).out) as Sarif.Log;
    const notifications = sarif.runs[0]!.invocations![0]!.toolExecutionNotifications!;
    assert.deepEqual(notifications.map((n) => [n.level, n.message.text, n.locations![0]!.physicalLocation!.artifactLocation!.uri]),
      [['warning', `File not analyzed: ${REASON}.`, 'hostile/deep.ts']]);
  });

  it('--max-skipped: exit 2 when more files were skipped, the findings exit code otherwise', async () => {
    const strict = await check('--max-skipped', '0', '--format', 'json');
    assert.equal(strict.code, 2);
    assert.match(strict.err, /^error: 1 file not analyzed, more than allowed \(--max-skipped 0\)$/m);
    assert.equal(JSON.parse(strict.out).skipped.length, 1, 'the report is still written');
    assert.equal((await check('--max-skipped', '1')).code, 1);
    assert.equal((await check('--max-skipped', '-1')).code, 1);
    assert.match((await check('--max-skipped', 'some')).err, /argument 'some' is invalid/);
  });

  it('a failed rule: a warning on stderr, a notice in each format, exit 2 under --max-skipped', async () => {
    const engine = fakeEngine([finding({ severity: 'warning', ruleId: 'dual-write' })]);
    const analyze = engine.analyze;
    engine.analyze = async (options) => ({ ...(await analyze(options)), notices: [{ kind: 'rule-failed', message: 'rule shared-database failed (boom); its findings are missing from this run' }] });
    const run = async (...args: string[]) => {
      const c = capture(root);
      const code = await runCli(['check', ...args], c.io, engine);
      return { code, out: c.stdout(), err: c.stderr() };
    };
    const plain = await run('--no-color');
    assert.equal(plain.code, 0);
    assert.equal(plain.err, 'warning: rule shared-database failed (boom); its findings are missing from this run\n');
    assert.match(plain.out, /1 notice: the results are incomplete or configuration was ignored:\n  rule shared-database failed/);
    const sarif = JSON.parse((await run('--format', 'sarif')).out) as Sarif.Log;
    assert.equal(sarif.runs[0]!.invocations![0]!.toolExecutionNotifications![0]!.message.text, 'rule shared-database failed (boom); its findings are missing from this run.');
    const strict = await run('--max-skipped', '0');
    assert.equal(strict.code, 2);
    assert.match(strict.err, /error: 1 rule failed: the analysis is incomplete \(--max-skipped 0\)/);
  });
});
