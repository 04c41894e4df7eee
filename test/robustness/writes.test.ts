/**
 * Fault suite, writing: the cache goes only where nothing is or where a cache of this tool is; report files
 * only inside --out and never through links or over files whose marker cannot be read; output that cannot be
 * written ends with a message and exit 2.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli as runCliInProcess } from '../../server/src/cli/runCli';
import { capture } from '../cli/helpers';
import { writeDocuments } from '../../server/src/report/write';
import { MARKER } from '../../server/src/report/markdown';
import { HANG_GUARD_MS, POSIX, findingKeys, makeWorkspace, mkfifo, remove, runCli, tempDir } from './helpers';

const posixOnly = { skip: !POSIX && 'needs FIFOs, devices and symbolic links', timeout: HANG_GUARD_MS * 2 };

async function check(root: string, ...args: string[]) {
  const c = capture(root);
  const code = await runCliInProcess(['check', '--format', 'json', ...args], c.io);
  return { code, out: c.stdout(), err: c.stderr() };
}

describe('the cache file', () => {
  test('--cache-location naming a hand-written file leaves it alone, says so, and reports as a clean run', async () => {
    const root = makeWorkspace({ 'README.md': '# Orders\n\nHand-written.\n' });
    const clean = findingKeys((await check(root)).out);
    const r = await check(root, '--cache-location', 'README.md');
    assert.equal(fs.readFileSync(path.join(root, 'README.md'), 'utf8'), '# Orders\n\nHand-written.\n');
    assert.match(r.err, /cache: cannot write .*README\.md: it is not a cache file of distributed-patterns/);
    assert.deepEqual(findingKeys(r.out), clean);
    assert.deepEqual(fs.readdirSync(root).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
    remove(root);
  });

  test('--cache-location /dev/null: the device stays a device', { ...posixOnly, skip: !fs.existsSync('/dev/null') && 'no /dev/null' }, async () => {
    const root = makeWorkspace();
    const r = await check(root, '--cache-location', '/dev/null');
    assert.match(r.err, /cache: cannot write \/dev\/null: it is a device, not a cache file/);
    assert.ok(fs.statSync('/dev/null').isCharacterDevice());
    remove(root);
  });

  test('an absent path and an existing cache file are written and reused', async () => {
    const root = makeWorkspace();
    await check(root, '--cache-location', 'out/results.cache');
    const second = await check(root, '--cache-location', 'out/results.cache', '--verbose');
    assert.match(second.err, /cache: \d+ inputs unchanged/);
    remove(root);
  });
});

describe('report', () => {
  const report = (root: string, ...args: string[]) => runCli(['report', ...args], root);

  test('a dangling symbolic link at a target path is not written through (it pointed outside --out)', posixOnly, async () => {
    const root = makeWorkspace();
    const outside = tempDir();
    const target = path.join(outside, 'planted.md');
    fs.mkdirSync(path.join(root, 'docs/distributed'), { recursive: true });
    fs.symlinkSync(target, path.join(root, 'docs/distributed/README.md'));
    const r = await report(root);
    assert.ok(!fs.existsSync(target), 'nothing written outside --out');
    assert.match(r.stderr, /skipped docs\/distributed\/README\.md: is a symbolic link/);
    assert.ok(fs.lstatSync(path.join(root, 'docs/distributed/README.md')).isSymbolicLink());
    assert.ok(fs.readdirSync(path.join(root, 'docs/distributed')).length > 3, 'the other documents are written');
    remove(root);
    remove(outside);
  });

  test('writeDocuments: a name leaving the folder, or a folder on the way that links elsewhere, is not written', posixOnly, () => {
    const root = tempDir();
    const outside = tempDir();
    const out = path.join(root, 'docs/distributed');
    fs.mkdirSync(out, { recursive: true });
    fs.symlinkSync(outside, path.join(out, 'assets'));
    const files = [
      { name: 'assets/map.svg', content: `${MARKER}\n` },
      { name: '../../escaped.md', content: `${MARKER}\n` },
      { name: 'ok.md', content: `${MARKER}\n` },
    ];
    const written = writeDocuments(root, out, files, true);
    assert.deepEqual(written.map((w) => w.status), ['skipped', 'skipped', 'written']);
    assert.match(written[0]!.reason!, /assets is a symbolic link/);
    assert.match(written[1]!.reason!, /outside the output folder/);
    assert.deepEqual(fs.readdirSync(outside), []);
    assert.ok(!fs.existsSync(path.join(root, 'escaped.md')));
    remove(root);
    remove(outside);
  });

  test('a hand-written file whose marker cannot be read (mode 0222) is not overwritten without --force', posixOnly, async () => {
    const root = makeWorkspace();
    const readme = path.join(root, 'docs/distributed/README.md');
    fs.mkdirSync(path.dirname(readme), { recursive: true });
    fs.writeFileSync(readme, 'Hand-written notes.\n');
    fs.chmodSync(readme, 0o222);
    const r = await report(root);
    fs.chmodSync(readme, 0o644);
    assert.equal(fs.readFileSync(readme, 'utf8'), 'Hand-written notes.\n');
    assert.match(r.stderr, /skipped docs\/distributed\/README\.md: exists and (cannot be read|was not generated)/);
    await report(root, '--force');
    assert.match(fs.readFileSync(readme, 'utf8'), /distributed-patterns/, '--force replaces it');
    remove(root);
  });

  test('a FIFO at a target path does not block the report', posixOnly, async () => {
    const root = makeWorkspace();
    const fifo = path.join(root, 'docs/distributed/README.md');
    fs.mkdirSync(path.dirname(fifo), { recursive: true });
    assert.ok(mkfifo(fifo));
    const r = await report(root, '--force');
    assert.match(r.stderr, /skipped docs\/distributed\/README\.md: is a named pipe \(FIFO\)/);
    assert.ok(fs.lstatSync(fifo).isFIFO());
    remove(root);
  });
});

describe('output that cannot be written', () => {
  test('stdout to a full device: a message on stderr and exit 2, no stack trace', { ...posixOnly, skip: !fs.existsSync('/dev/full') && 'no /dev/full' }, async () => {
    const root = makeWorkspace();
    const r = await runCli(['check'], root, { stdoutFile: '/dev/full' });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: could not write the output to stdout: no space left on the device \(ENOSPC\)/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    remove(root);
  });

  test('stdout to a closed pipe: a message on stderr and exit 2', posixOnly, async () => {
    const root = makeWorkspace();
    const r = await runCli(['check'], root, { closeStdout: true });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /error: could not write the output to stdout: the reading end of the pipe was closed \(EPIPE\)/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    remove(root);
  });
});
