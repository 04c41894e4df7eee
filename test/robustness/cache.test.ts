/**
 * A cache file tampered with (valid JSON, right format and key, fields of the
 * wrong shape) is named, ignored and rewritten; the run's output is a fresh
 * analysis's, never "Cannot read properties of null".
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli/runCli';
import { capture, workspace } from '../cli/helpers';
import { UNGUARDED_CONSUMER } from './unguardedConsumer';

const CONSUMER = UNGUARDED_CONSUMER;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const TAMPERINGS: [string, (cache: Json) => void, RegExp][] = [
  ['a finding replaced by null', (c) => { c.result.findings[0] = null; }, /cache\.result\.findings\[0\] is not an object/],
  ['a finding without its location', (c) => { c.result.findings[0].location = null; }, /cache\.result\.findings\[0\]\.location is not an object/],
  ['the rules list replaced by null', (c) => { c.result.rules = null; }, /cache\.result\.rules is not an array/],
  ['the skipped list replaced by a string', (c) => { c.result.skipped = 'none'; }, /cache\.result\.skipped is not an array/],
  ['a severity no formatter knows', (c) => { c.result.findings[0].severity = 'fatal'; }, /severity is not error, warning or info/],
  ['the logs replaced by null', (c) => { c.logs = null; }, /cache\.logs is not an array/],
  ['an input hash replaced by a number', (c) => { c.inputs[Object.keys(c.inputs)[0]] = 1; }, /cache\.inputs\[.*\] is not a string/],
];

test('a tampered cache is named, ignored and rewritten', async () => {
  const root = workspace({ 'src/consumer.ts': CONSUMER });
  const cacheFile = path.join(root, '.dpat-cache');
  const cli = async (...args: string[]) => {
    const c = capture(root);
    const code = await runCli(['check', '--format', 'json', ...args], c.io);
    return { code, out: c.stdout(), err: c.stderr() };
  };
  const plain = await cli();
  assert.equal(JSON.parse(plain.out).findings.length > 0, true);
  await cli('--cache');
  const good = fs.readFileSync(cacheFile, 'utf8');
  for (const [name, tamper, problem] of TAMPERINGS) {
    const cache = JSON.parse(good);
    tamper(cache);
    fs.writeFileSync(cacheFile, JSON.stringify(cache));
    const r = await cli('--cache');
    assert.equal(r.code, plain.code, name);
    assert.deepEqual(JSON.parse(r.out).findings, JSON.parse(plain.out).findings, name);
    assert.match(r.err, /cache: ignoring .*\.dpat-cache: not a valid cache file \(/, name);
    assert.match(r.err, problem, name);
    assert.doesNotMatch(r.err, /Cannot read properties/, name);
    assert.deepEqual(JSON.parse(fs.readFileSync(cacheFile, 'utf8')).result, JSON.parse(good).result, `${name}: rewritten`);
  }
  fs.rmSync(root, { recursive: true, force: true });
});
