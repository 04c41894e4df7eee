/**
 * Fault suite, output: SARIF artifact URIs decode back to the file name whatever it contains, and terminal
 * output never carries raw control characters from file names or quoted topic strings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { artifactUri } from '../../server/src/cli/formatters/sarif';
import { escapeControls } from '../../server/src/cli/ansi';
import { runCli as runCliInProcess } from '../../server/src/cli/runCli';
import { capture } from '../cli/helpers';
import { BASE_FILES, POSIX, makeWorkspace, remove } from './helpers';

const NAMES = ['back\\slash.ts', 'with space.ts', 'hash#1.ts', 'per%25cent.ts', 'q?x=1.ts', 'ünïcödé-日本.ts', 'emoji-😀.ts', "it's(1)*.ts", '[brackets].ts'];

test('artifactUri: each segment decodes back to the file name', () => {
  for (const name of NAMES) {
    const uri = artifactUri('/repo', `src/dir with space/${name}`);
    assert.doesNotMatch(uri, /[\s#?\\%](?![0-9A-F]{2})/, `${uri} has no raw reserved characters`);
    assert.deepEqual(uri.split('/').map(decodeURIComponent), ['src', 'dir with space', name]);
  }
});

/** A workspace whose consumer lives in a file named `name`, subscribed to a topic carrying an escape sequence. */
function oddWorkspace(name: string, topic: string): string {
  // Self-contained (no relative import): the engine's in-memory file system reads a backslash as a separator.
  const consumer = BASE_FILES['services/billing/src/consumer.ts']!.replace("'order.created'", JSON.stringify(topic))
    .replace("import { pool } from './repo';", "import { Pool } from 'pg';\nconst pool = new Pool();");
  const root = makeWorkspace({ [`services/billing/src/${name}`]: consumer });
  fs.rmSync(path.join(root, 'services/billing/src/consumer.ts'));
  return root;
}

test('check --format sarif: the URI of a finding in an oddly named file names that file', { skip: !POSIX && 'backslashes are separators on Windows' }, async () => {
  for (const name of ['back\\slash.ts', 'hash#1 %41.ts', 'ünï 😀.ts']) {
    const root = oddWorkspace(name, 'order.created');
    const c = capture(root);
    await runCliInProcess(['check', '--format', 'sarif'], c.io);
    const uris = JSON.parse(c.stdout()).runs[0].results.map((r: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    const decoded = uris.map((u: string) => u.split('/').map(decodeURIComponent).join('/'));
    assert.ok(decoded.includes(`services/billing/src/${name}`), `${name}: ${uris.join(', ')}`);
    for (const u of decoded) assert.ok(fs.existsSync(path.join(root, u)), `${u} exists`);
    remove(root);
  }
});

test('stylish: escape sequences in a file name and a topic are shown escaped, with and without --no-color', { skip: !POSIX && 'control characters in file names' }, async () => {
  const root = oddWorkspace('evil\u001b]0;pwned\u0007\u001b[2J.ts', 'order\u001b[31m.created\u009b1A\u202e');
  for (const args of [['--no-color'], ['--color'], []]) {
    const c = capture(root);
    await runCliInProcess(['check', ...args], c.io);
    const out = c.stdout();
    assert.match(out, /evil\\x1b\]0;pwned\\x07\\x1b\[2J\.ts/, 'the file name, escaped');
    assert.match(out, /order\\x1b\[31m\.created\\x9b1A\\u202e/, 'the topic, escaped');
    // With --color the only raw ESC bytes left are our own SGR colour codes.
    assert.doesNotMatch(out.replace(/\u001b\[\d+m/g, ''), /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
  }
  remove(root);
});

test('escapeControls keeps printable text and escapes every control character', () => {
  assert.equal(escapeControls('plain ü 日本 😀'), 'plain ü 日本 😀');
  assert.equal(escapeControls('a\nb\tc\rd\u0000\u007f\u0085\u2066'), 'a\\nb\\tc\\rd\\x00\\x7f\\x85\\u2066');
});
