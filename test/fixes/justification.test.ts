/**
 * "Record a justification in architecture.yaml" for unjustified-two-phase-commit
 * and unjustified-distributed-lock: creates the file, adds the section or
 * appends an entry, keeps every other byte of the file, and selects the reason.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWithFixes, checkFix, lines, removeWorkspace, writeWorkspace } from './helpers';
import { loadArchitecture } from '../../server/src/engine/architecture/load';

const lockFile = lines(
  "import Redis from 'ioredis';",
  "import Redlock from 'redlock';",
  'const redlock = new Redlock([new Redis(process.env.REDIS_URL!)]);',
  'export async function settle(batchId: string): Promise<void> {',
  '  await redlock.using([`lock:settle:${batchId}`], 5000, async () => undefined);',
  '}',
);

const twoPhaseFile = lines(
  "import { Pool } from 'pg';",
  'const pool = new Pool({ connectionString: process.env.LEDGER_DATABASE_URL });',
  'export async function transfer(gid: string, amount: number): Promise<void> {',
  '  const client = await pool.connect();',
  "  await client.query('BEGIN');",
  "  await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = 1', [amount]);",
  "  await client.query(`PREPARE TRANSACTION '${gid}'`);",
  "  await client.query(`COMMIT PREPARED '${gid}'`);",
  '  client.release();',
  '}',
);

const ARCHITECTURE = [
  '# Architecture of the ledger.',
  'version: 1',
  '',
  'services:',
  '  ledger:',
  '    paths: [services/ledger]   # the books',
  '',
  'decisions:',
  '  - flow: order-events',
  '    pattern: outbox',
  '    justification: >-',
  '      Orders and their events commit together.',
  '',
  '# rules below',
  'rules:',
  '  dual-write: error',
  '',
].join('\n');

function reasonAt(text: string, range: { start: { line: number; column: number }; end: { line: number; column: number } }): string {
  const l = text.split('\n');
  assert.equal(range.start.line, range.end.line);
  return l[range.start.line - 1].slice(range.start.column - 1, range.end.column - 1);
}

describe('fix: record a justification in architecture.yaml', () => {
  test('distributed lock, no architecture file: creates one with version and the decision; the cursor lands on the reason', () => {
    const { root, fix, changed } = checkFix({
      name: 'lock', ruleId: 'unjustified-distributed-lock',
      files: { 'package.json': '{ "name": "ledger" }', 'src/settle.ts': lockFile },
      title: 'Record a justification in architecture.yaml (decision "settle", pattern distributed-lock)',
    });
    const text = changed['architecture.yaml'];
    assert.equal(text, lines(
      'version: 1',
      'decisions:',
      '  - flow: settle',
      '    pattern: distributed-lock',
      '    justification: "TODO: why this needs a lock held across processes"',
      '    paths:',
      '      - src/settle.ts',
    ));
    assert.equal(fix.selection?.file, 'architecture.yaml');
    assert.equal(reasonAt(text, fix.selection!.range), 'TODO: why this needs a lock held across processes');
    assert.deepEqual(loadArchitecture(text, 'architecture.yaml').problems, []);
    removeWorkspace(root);
  });

  test('two-phase commit, existing file with decisions: the entry is appended to the list and the rest is byte-for-byte unchanged', () => {
    const { root, fix, changed } = checkFix({
      name: '2pc', ruleId: 'unjustified-two-phase-commit',
      files: { 'architecture.yaml': ARCHITECTURE, 'services/ledger/package.json': '{ "name": "ledger" }', 'services/ledger/src/transfer.ts': twoPhaseFile },
      title: /^Record a justification in architecture\.yaml \(decision "transfer", pattern two-phase-commit\)$/,
    });
    const text = changed['architecture.yaml'];
    const added = [
      '  - flow: transfer',
      '    pattern: two-phase-commit',
      '    justification: "TODO: why this needs two-phase commit across datastores"',
      '    paths:',
      '      - services/ledger/src/transfer.ts',
    ].join('\n');
    assert.equal(text, ARCHITECTURE.replace('      Orders and their events commit together.\n', `      Orders and their events commit together.\n${added}\n`));
    assert.equal(reasonAt(text, fix.selection!.range), 'TODO: why this needs two-phase commit across datastores');
    const loaded = loadArchitecture(text, 'architecture.yaml');
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(loaded.architecture?.decisions.map((d) => d.flow), ['order-events', 'transfer']);
    removeWorkspace(root);
  });

  test('existing file without a decisions section (CRLF, no final newline): the section is appended', () => {
    const arch = 'version: 1\r\nservices:\r\n  ledger:\r\n    paths: [services/ledger]';
    const { root, changed } = checkFix({
      name: 'no section', ruleId: 'unjustified-two-phase-commit',
      files: { 'architecture.yaml': arch, 'services/ledger/package.json': '{ "name": "ledger" }', 'services/ledger/src/transfer.ts': twoPhaseFile },
      title: /^Record a justification/,
    });
    const text = changed['architecture.yaml'];
    assert.ok(text.startsWith(`${arch}\r\ndecisions:\r\n  - flow: transfer\r\n`), text);
    assert.deepEqual(loadArchitecture(text, 'architecture.yaml').problems, []);
    removeWorkspace(root);
  });

  test('`decisions: []` becomes a block list with the entry', () => {
    const arch = 'version: 1\ndecisions: []   # none yet\nrules:\n  dual-write: warning\n';
    const { root, fix, changed } = checkFix({
      name: 'empty list', ruleId: 'unjustified-distributed-lock',
      files: { 'architecture.yaml': arch, 'src/settle.ts': lockFile, 'package.json': '{ "name": "ledger" }' },
      title: /^Record a justification/,
      rewrites: ['decisions: []'],
    });
    const text = changed['architecture.yaml'];
    assert.ok(text.startsWith('version: 1\ndecisions:   # none yet\n  - flow: settle\n'), text);
    assert.ok(text.endsWith('      - src/settle.ts\nrules:\n  dual-write: warning\n'), text);
    assert.equal(reasonAt(text, fix.selection!.range), 'TODO: why this needs a lock held across processes');
    assert.deepEqual(loadArchitecture(text, 'architecture.yaml').problems, []);
    removeWorkspace(root);
  });

  test('an architecture file with YAML errors gets no fix (the edit could not be placed safely)', () => {
    const root = writeWorkspace({ 'architecture.yaml': 'version: 1\ndecisions:\n  - flow: [unclosed\n', 'src/settle.ts': lockFile });
    const finding = analyzeWithFixes(root).find((f) => f.ruleId === 'unjustified-distributed-lock');
    assert.ok(finding);
    assert.deepEqual(finding.fixes, []);
    assert.ok(fs.existsSync(path.join(root, 'architecture.yaml')));
    removeWorkspace(root);
  });
});
