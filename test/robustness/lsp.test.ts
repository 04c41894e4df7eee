/**
 * The language server on hostile input: frames without a valid Content-Length
 * are dropped and the next frames served (shutdown still works); a huge open
 * buffer is skipped with its reason instead of holding up other files.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { FrameGuard } from '../../server/src/lsp/frames';
import { AnalysisSession } from '../../server/src/engine/session';
import { removeWorkspace, writeWorkspace } from '../support/workspace';
import { SERVER } from '../lsp/lspClient';

const frame = (o: object) => {
  const body = Buffer.from(JSON.stringify(o));
  return `Content-Length: ${body.length}\r\n\r\n${body}`;
};

function guard(input: string[]): { out: string; bad: string[] } {
  const bad: string[] = [];
  const g = new FrameGuard((reason) => bad.push(reason));
  let out = '';
  g.on('data', (d: Buffer) => (out += d.toString()));
  for (const chunk of input) g.write(Buffer.from(chunk));
  return { out, bad };
}

describe('frame guard', () => {
  const a = frame({ jsonrpc: '2.0', id: 1, method: 'a' });
  const b = frame({ jsonrpc: '2.0', id: 2, method: 'b' });

  it('passes valid frames through unchanged, however they are split', () => {
    assert.deepEqual(guard([a + b]), { out: a + b, bad: [] });
    assert.deepEqual(guard([...(a + b)]), { out: a + b, bad: [] });
  });

  it('drops a header without Content-Length, an invalid one, and garbage, then serves the next frame', () => {
    const r = guard(['Content-Type: x\r\n\r\n', 'Content-Length: abc\r\n\r\n{}', a, 'garbage\r\n\r\n', b]);
    assert.equal(r.out, a + b);
    assert.deepEqual(r.bad, [
      'a frame header without Content-Length; dropped the header block "Content-Type: x"',
      'an invalid Content-Length "abc"; dropped the header block "Content-Length: abc"',
      // The bad frame's body arrived with it; the guard resynchronises on the next Content-Length.
      'a frame header without Content-Length; dropped the header block "{}Content-Length: 37"',
      'a malformed header line "garbage"; dropped the header block "garbage"',
    ]);
  });

  it('skips a body over the size limit', () => {
    const r = guard([`Content-Length: ${2 ** 30}\r\n\r\n`, 'x'.repeat(100)]);
    assert.equal(r.out, '');
    assert.match(r.bad[0]!, /over the limit/);
  });
});

describe('language server transport', () => {
  it('answers initialize and shutdown after a frame header without a valid Content-Length', async () => {
    const server = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    server.stderr.on('data', (d) => (err += d));
    const replied = (id: number) => new Promise<void>((resolve) => {
      const check = () => (new RegExp(`"id":${id}[,}]`).test(out) ? resolve() : undefined);
      server.stdout.on('data', (d) => { out += d; check(); });
      check();
    });
    server.stdin.write('Content-Type: application/json\r\n\r\n');
    server.stdin.write('Content-Length: twelve\r\n\r\n{}');
    server.stdin.write(frame({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, workspaceFolders: null } }));
    await replied(1);
    server.stdin.write(frame({ jsonrpc: '2.0', method: 'initialized', params: {} }));
    server.stdin.write(frame({ jsonrpc: '2.0', id: 2, method: 'shutdown' }));
    await replied(2);
    const exited = new Promise<number | null>((resolve) => server.on('exit', resolve));
    server.stdin.write(frame({ jsonrpc: '2.0', method: 'exit' }));
    assert.equal(await exited, 0);
    assert.match(err, /bad frame: a frame header without Content-Length/);
    assert.match(err, /bad frame: an invalid Content-Length "twelve"/);
  });
});

describe('per-file size budget', () => {
  const roots: string[] = [];
  after(() => roots.forEach(removeWorkspace));
  const CONSUMER = (table: string) => [
    "import { Kafka } from 'kafkajs';",
    "import { Pool } from 'pg';",
    'const pool = new Pool();',
    "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'g' });",
    'export async function start() {',
    `  await consumer.run({ eachMessage: async ({ message }) => { await pool.query('INSERT INTO ${table} (id) VALUES ($1)', [String(message.value)]); } });`,
    '}',
    '',
  ].join('\n');

  it('a 6 MB open buffer is skipped with its reason; edits to other files are analysed', () => {
    const root = writeWorkspace({ 'src/big.ts': 'export const x = 1;\n', 'src/a.ts': CONSUMER('a') });
    roots.push(root);
    const logs: string[] = [];
    const session = new AnalysisSession({ root, log: (m) => logs.push(m) });
    const big = path.join(root, 'src/big.ts');
    const huge = `export const data = [\n${'  "0123456789012345678901234567890123456789",\n'.repeat(140_000)}];\n`;
    assert.ok(huge.length > 6_000_000);
    const overlays = new Map([[big, huge]]);
    const first = session.run({ overlays }).result;
    assert.deepEqual(first.skipped, [{ file: 'src/big.ts', reason: 'open buffer of 6.1 MB, over the 1 MB limit of analysed files' }]);
    assert.ok(logs.includes('skipped src/big.ts: open buffer of 6.1 MB, over the 1 MB limit of analysed files'));
    assert.equal(first.findings.filter((f) => f.location.file === 'src/a.ts').length, 1);
    // Typing in the huge buffer, then an edit elsewhere: the edit is reflected, the buffer stays out.
    overlays.set(big, huge + '// more\n');
    overlays.set(path.join(root, 'src/a.ts'), 'export const quiet = 1;\n');
    const second = session.run({ overlays }).result;
    assert.deepEqual(second.findings.filter((f) => f.location.file === 'src/a.ts'), []);
    assert.equal(second.skipped[0]!.file, 'src/big.ts');
    // Closed again: the small file on disk is analysed.
    overlays.delete(big);
    assert.deepEqual(session.run({ overlays }).result.skipped, []);
  });
});
