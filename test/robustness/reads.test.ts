/**
 * Fault suite, reading: only regular files inside the workspace are read, special files are refused at once
 * with a reason, and the findings of the files nobody touched stay exactly those of a clean run. Scenarios that
 * would block forever before the fix run the CLI as a child process, so the hang guard can stop them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli as runCliInProcess } from '../../server/src/cli/runCli';
import { readOptional, readTextFile } from '../../server/src/engine/workspace/files';
import { capture } from '../cli/helpers';
import { HANG_GUARD_MS, IS_ROOT, POSIX, findingKeys, makeWorkspace, mkfifo, remove, runCli, tempDir } from './helpers';

const posixOnly = { skip: !POSIX && 'needs FIFOs and symbolic links', timeout: HANG_GUARD_MS * 2 };

async function checkJson(root: string, ...args: string[]) {
  const c = capture(root);
  const code = await runCliInProcess(['check', '--format', 'json', ...args], c.io);
  return { code, json: JSON.parse(c.stdout()) as { findings: { ruleId: string; message: string; location: { file: string } }[]; skipped: { file: string; reason: string }[] }, out: c.stdout(), err: c.stderr() };
}

let clean: string[];
let cleanRoot: string;

before(async () => {
  cleanRoot = makeWorkspace();
  clean = findingKeys((await checkJson(cleanRoot)).out);
  assert.equal(clean.length, 3, `the base workspace has its three findings: ${clean.join(', ')}`);
});
after(() => remove(cleanRoot));

describe('special files given on the command line', () => {
  test('a FIFO as --baseline is refused at once (it blocked forever)', posixOnly, async () => {
    const root = makeWorkspace();
    assert.ok(mkfifo(path.join(root, 'baseline.fifo')));
    const r = await runCli(['check', '--baseline', 'baseline.fifo'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read baseline baseline\.fifo: a named pipe \(FIFO\)/);
    remove(root);
  });

  test('/dev/zero as --baseline is refused at once (memory grew until the process aborted)', { ...posixOnly, skip: !fs.existsSync('/dev/zero') && 'no /dev/zero' }, async () => {
    const root = makeWorkspace();
    const r = await runCli(['check', '--baseline', '/dev/zero'], root);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot read baseline .*: a device/);
    remove(root);
  });

  test('a FIFO as --cache-location: ignored with a message, not replaced, findings as in a clean run', posixOnly, async () => {
    const root = makeWorkspace();
    const fifo = path.join(root, 'cache.fifo');
    assert.ok(mkfifo(fifo));
    const r = await runCli(['check', '--format', 'json', '--cache-location', 'cache.fifo'], root);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cache: ignoring .*cache\.fifo: cannot read it \(a named pipe/);
    assert.match(r.stderr, /cache: cannot write .*cache\.fifo: it is a named pipe/);
    assert.deepEqual(findingKeys(r.stdout), clean);
    assert.ok(fs.lstatSync(fifo).isFIFO(), 'the FIFO is still there');
    remove(root);
  });
});

describe('configuration found in the workspace', () => {
  test('architecture.yaml as a symbolic link to a /proc file of size 0: refused, reported, findings kept', { ...posixOnly, skip: !fs.existsSync('/proc/self/status') && 'no /proc' }, async () => {
    const root = makeWorkspace();
    fs.symlinkSync('/proc/self/status', path.join(root, 'architecture.yaml'));
    const r = await runCli(['check', '--format', 'json'], root);
    const problems = JSON.parse(r.stdout).findings.filter((f: { ruleId: string }) => f.ruleId === 'invalid-architecture');
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /could not be read: a symbolic link to a place outside the workspace/);
    assert.deepEqual(findingKeys(r.stdout).filter((k) => !k.startsWith('invalid-architecture')), clean);
    remove(root);
  });

  test('a compose env_file outside the workspace (by .. or by a link) is never read', posixOnly, async () => {
    // Two services whose connection env vars name one database only through the env file.
    const files = (envFile: string) => ({
      'services/orders/src/extra.ts': "import { Pool } from 'pg';\nexport const p = new Pool({ connectionString: process.env.ORDERS_DB });\n",
      'services/billing/src/extra.ts': "import { Pool } from 'pg';\nexport const p = new Pool({ connectionString: process.env.BILLING_DB });\n",
      'docker-compose.yml': `services:\n  orders:\n    build: services/orders\n    env_file: ${envFile}\n  billing:\n    build: services/billing\n    env_file: [${envFile}, ${'../'.repeat(12)}proc/self/environ]\n`,
    });
    const env = 'ORDERS_DB=postgres://db:5432/same\nBILLING_DB=postgres://db:5432/same\n';
    const inside = makeWorkspace({ ...files('config/db.env'), 'config/db.env': env });
    const sharedInside = findingKeys((await checkJson(inside)).out).filter((k) => k.includes('extra.ts'));
    assert.equal(sharedInside.length, 2, 'control: read inside the workspace, the env file makes both services share a database');

    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'db.env'), env);
    const escaping = makeWorkspace(files(`${path.relative(cleanRoot, outside)}/db.env`.replace(/\\/g, '/')));
    assert.deepEqual(findingKeys((await checkJson(escaping)).out), clean, 'a ../ env_file is not read');
    const linked = makeWorkspace(files('config/db.env'));
    fs.mkdirSync(path.join(linked, 'config'));
    fs.symlinkSync(path.join(outside, 'db.env'), path.join(linked, 'config/db.env'));
    assert.deepEqual(findingKeys((await checkJson(linked)).out), clean, 'a link out of the workspace is not followed');
    for (const dir of [inside, escaping, linked, outside]) remove(dir);
  });

  test('readOptional reads inside the root only: no .. escape, no link leading out', posixOnly, () => {
    const root = tempDir();
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'secret.env'), 'TOKEN=1\n');
    fs.writeFileSync(path.join(root, 'own.env'), 'OWN=1\n');
    fs.symlinkSync(path.join(outside, 'secret.env'), path.join(root, 'link.env'));
    fs.symlinkSync('own.env', path.join(root, 'inner-link.env'));
    assert.equal(readOptional(path.join(root, '..', path.basename(outside), 'secret.env'), undefined, root), undefined);
    assert.equal(readOptional(path.join(root, 'link.env'), undefined, root), undefined);
    assert.equal(readOptional(path.join(root, 'inner-link.env'), undefined, root), 'OWN=1\n', 'a link inside the workspace is followed');
    assert.deepEqual(readTextFile(path.join(root, 'link.env'), 1024, root), { reason: 'a symbolic link to a place outside the workspace' });
    remove(root);
    remove(outside);
  });

  test('a FIFO named tsconfig.json, package.json or pnpm-workspace.yaml does not block the run', posixOnly, async () => {
    const root = makeWorkspace();
    for (const name of ['tsconfig.json', 'pnpm-workspace.yaml', 'services/orders/package.json']) {
      fs.rmSync(path.join(root, name), { force: true });
      assert.ok(mkfifo(path.join(root, name)));
    }
    const r = await runCli(['check', '--format', 'json'], root);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assert.ok(findingKeys(r.stdout).includes(clean.find((k) => k.startsWith('non-idempotent'))!));
    remove(root);
  });

  const unreadable: [string, (abs: string) => void, RegExp][] = [
    ['a directory', (abs) => fs.mkdirSync(abs), /could not be read: a directory/],
    ['UTF-16 text', (abs) => fs.writeFileSync(abs, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('version: 1\n', 'utf16le')])), /could not be read: UTF-16 text/],
    ['binary', (abs) => fs.writeFileSync(abs, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2])), /could not be read: binary content/],
    ['over the size cap', (abs) => fs.writeFileSync(abs, `version: 1\n${'# padding\n'.repeat(120_000)}`), /could not be read: larger than 1 MiB/],
  ];
  for (const [kind, make, message] of unreadable) {
    test(`an architecture.yaml that is ${kind}: an invalid-architecture problem, other findings kept`, async () => {
      const root = makeWorkspace();
      make(path.join(root, 'architecture.yaml'));
      const r = await checkJson(root);
      const problems = r.json.findings.filter((f) => f.ruleId === 'invalid-architecture');
      assert.equal(problems.length, 1, r.out);
      assert.match(problems[0]!.message, message);
      assert.deepEqual(findingKeys(r.out).filter((k) => !k.startsWith('invalid-architecture')), clean);
      remove(root);
    });
  }
});

describe('sources the walk does not read', () => {
  test('symbolic links to sources and folders are listed as not analyzed', posixOnly, async () => {
    const outside = tempDir();
    fs.writeFileSync(path.join(outside, 'ext.ts'), 'export const x = 1;\n');
    const root = makeWorkspace();
    fs.symlinkSync(path.join(outside, 'ext.ts'), path.join(root, 'services/orders/src/ext.ts'));
    fs.symlinkSync(outside, path.join(root, 'services/orders/src/linked'));
    const r = await checkJson(root);
    const skipped = Object.fromEntries(r.json.skipped.map((s) => [s.file, s.reason]));
    assert.match(skipped['services/orders/src/ext.ts'] ?? '', /symbolic link \(not followed/);
    assert.match(skipped['services/orders/src/linked'] ?? '', /symbolic link to a folder/);
    assert.deepEqual(findingKeys(r.out), clean);
    const stylish = capture(root);
    await runCliInProcess(['check', '--no-color'], stylish.io);
    assert.match(stylish.stdout(), /2 files not analyzed:\n {2}services\/orders\/src\/ext\.ts {2}symbolic link/);
    remove(root);
    remove(outside);
  });

  test('a folder that cannot be read is listed as not analyzed', { ...posixOnly, skip: (!POSIX || IS_ROOT) && 'permissions do not apply (root or Windows)' }, async () => {
    const root = makeWorkspace({ 'services/orders/src/locked/a.ts': 'export const a = 1;\n' });
    const locked = path.join(root, 'services/orders/src/locked');
    fs.chmodSync(locked, 0o000);
    try {
      const r = await checkJson(root);
      assert.match(r.json.skipped.find((s) => s.file === 'services/orders/src/locked')?.reason ?? '', /folder not readable \(EACCES\)/);
      assert.deepEqual(findingKeys(r.out), clean);
    } finally {
      fs.chmodSync(locked, 0o755);
      remove(root);
    }
  });

  test('a path outside --root is a usage error, not "No problems found"', async () => {
    const root = makeWorkspace();
    const other = tempDir();
    const c = capture(root);
    const code = await runCliInProcess(['check', other, '--root', root], c.io);
    assert.equal(code, 2);
    assert.match(c.stderr(), /is outside --root/);
    assert.doesNotMatch(c.stdout(), /No problems found/);
    remove(root);
    remove(other);
  });
});
