/**
 * Code action plumbing, without a server: a finding's fixes become quick
 * fixes with 0-based ranges and versioned edits (creating files when needed),
 * fix-all combines batchable fixes without overlaps, and the disable comment
 * lands above the flagged line with its indentation.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction, CodeActionParams, CreateFile, Diagnostic, TextDocumentEdit } from 'vscode-languageserver/node';
import { codeActions, type CodeActionContext } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { combineFixes, overlaps } from '../../server/src/lsp/edits';
import type { FileDiagnostics } from '../../server/src/lsp/store';
import { pathToUri } from '../../server/src/lsp/uris';
import type { Finding, Fix, TextEdit } from '../../server/src/engine/types';

const ROOT = path.resolve('/workspace/shop');
const FILE = 'src/consumer.ts';
const ABS = path.join(ROOT, FILE);
const URI = pathToUri(ABS);
const TEXT = [
  "import { Kafka } from 'kafkajs';",
  'export async function start() {',
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  "      await pool.query('INSERT INTO payments VALUES ($1)', [message.value]);",
  '    },',
  '  });',
  '}',
  '',
].join('\n');

function edit(file: string, line: number, column: number, newText: string, endColumn = column): TextEdit {
  return { file, range: { start: { line, column }, end: { line, column: endColumn } }, newText };
}

function finding(line: number, fixes: Fix[], ruleId = 'non-idempotent-consumer'): Finding {
  return {
    ruleId, messageId: 'unguarded', severity: 'error', message: 'Handler inserts on every delivery.', hint: 'Guard it with an inbox.',
    location: { file: FILE, range: { start: { line, column: 5 }, end: { line, column: 16 } } },
    related: [], inferred: false, fixes, fingerprint: `fp-${line}`,
  };
}

function stored(findings: Finding[], version: number | null = 1): FileDiagnostics {
  return {
    uri: URI, abs: ABS, root: ROOT, version, versions: new Map(version === null ? [] : [[ABS, version]]),
    entries: findings.map((f) => ({ key: f.fingerprint, finding: f, diagnostic: toDiagnostic(f, f.severity, ROOT, f.fingerprint) })),
  };
}

function context(file: FileDiagnostics, diagnostics: Diagnostic[], options: { only?: string[]; version?: number; text?: string; createFiles?: boolean; documentChanges?: boolean; uri?: string } = {}): CodeActionContext {
  const document = TextDocument.create(options.uri ?? URI, 'typescript', options.version ?? 1, options.text ?? TEXT);
  const params: CodeActionParams = {
    textDocument: { uri: document.uri },
    range: diagnostics[0]?.range ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    context: { diagnostics, only: options.only },
  };
  return {
    document, params, file,
    supportsComments: document.uri.endsWith('.ts'),
    documentationCommand: 'distributedPatterns.showDocumentation',
    edits: {
      root: ROOT,
      capabilities: { documentChanges: options.documentChanges ?? true, createFiles: options.createFiles ?? true },
      openDocument: (abs) => (abs === ABS ? { uri: URI, version: document.version } : undefined),
      versionFor: (abs) => (file.versions.has(abs) ? file.versions.get(abs) : undefined),
      fileExists: (abs) => abs === ABS,
    },
  };
}

const GUARD: Fix = {
  title: 'Guard with an inbox (dedupe on the message id)',
  isPreferred: true,
  batchable: true,
  edits: [
    edit(FILE, 5, 7, "if (!(await markProcessed(message))) return;\n      "),
    edit('migrations/001_inbox.sql', 1, 1, 'CREATE TABLE inbox (message_id text PRIMARY KEY);\n'),
  ],
};

describe('code actions', () => {
  test('a fix becomes a preferred quick fix with 0-based ranges, the analysed version, and a CreateFile for a new file', () => {
    const f = finding(4, [GUARD]);
    const file = stored([f]);
    const actions = codeActions(context(file, [file.entries[0].diagnostic]));
    const fix = actions.find((a) => a.title === GUARD.title)!;
    assert.equal(fix.kind, 'quickfix');
    assert.equal(fix.isPreferred, true);
    const changes = fix.edit!.documentChanges!;
    const first = changes[0] as TextDocumentEdit;
    assert.deepEqual(first.textDocument, { uri: URI, version: 1 });
    assert.deepEqual(first.edits[0], { range: { start: { line: 4, character: 6 }, end: { line: 4, character: 6 } }, newText: GUARD.edits[0].newText });
    const create = changes[1] as CreateFile;
    assert.equal(create.kind, 'create');
    assert.equal(create.uri, pathToUri(path.join(ROOT, 'migrations', '001_inbox.sql')));
    const migration = changes[2] as TextDocumentEdit;
    assert.deepEqual(migration.textDocument, { uri: create.uri, version: null });
    assert.deepEqual(migration.edits[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    // Order: fixes first, then disable, then documentation.
    assert.deepEqual(actions.map((a) => a.title), [
      GUARD.title,
      'Disable distributed-patterns/non-idempotent-consumer for this line',
      'Show documentation for distributed-patterns/non-idempotent-consumer',
    ]);
  });

  test('a fix that must create a file is left out for clients that cannot create files; plain `changes` without documentChanges', () => {
    const inPlace: Fix = { title: 'Edit in place', edits: [edit(FILE, 5, 7, '/* x */')] };
    const f = finding(4, [GUARD, inPlace]);
    const file = stored([f]);
    const noCreate = codeActions(context(file, [file.entries[0].diagnostic], { createFiles: false }));
    assert.ok(!noCreate.some((a) => a.title === GUARD.title));
    assert.ok(noCreate.some((a) => a.title === 'Edit in place'));
    const plain = codeActions(context(file, [file.entries[0].diagnostic], { documentChanges: false }));
    const action = plain.find((a) => a.title === 'Edit in place')!;
    assert.deepEqual(Object.keys(action.edit!.changes!), [URI]);
    const disable = plain.find((a) => a.title.startsWith('Disable'))!;
    assert.deepEqual(Object.keys(disable.edit!.changes!), [URI]);
  });

  test('fixes are not offered for a document edited since the analysis (their ranges are stale)', () => {
    const f = finding(4, [GUARD]);
    const file = stored([f], 1);
    const actions = codeActions(context(file, [file.entries[0].diagnostic], { version: 2 }));
    assert.ok(!actions.some((a) => a.title === GUARD.title));
    assert.ok(actions.some((a) => a.title.startsWith('Disable')), 'disable works on the current text');
  });

  test('"Fix all <rule> problems in this file" combines batchable fixes, skipping overlaps and applying shared edits once', () => {
    const migration = edit('migrations/001_inbox.sql', 1, 1, 'CREATE TABLE inbox (message_id text PRIMARY KEY);\n');
    const a = finding(2, [{ title: 'Guard', batchable: true, edits: [edit(FILE, 2, 3, 'A'), migration] }]);
    const b = finding(4, [{ title: 'Guard', batchable: true, edits: [edit(FILE, 4, 5, 'B'), migration] }]);
    const c = finding(5, [{ title: 'Guard', batchable: true, edits: [edit(FILE, 4, 5, 'C')] }]); // same point as b
    const d = finding(6, [{ title: 'Not batchable', edits: [edit(FILE, 6, 1, 'D')] }]);
    const file = stored([a, b, c, d]);
    const actions = codeActions(context(file, [file.entries[0].diagnostic]));
    const fixAll = actions.find((x) => x.title === 'Fix all non-idempotent-consumer problems in this file')!;
    assert.ok(fixAll, actions.map((x) => x.title).join(' | '));
    assert.equal(fixAll.kind, 'quickfix');
    const texts = fixAll.edit!.documentChanges!.flatMap((ch) => ('edits' in ch ? ch.edits.map((e) => ('newText' in e ? e.newText : '')) : [ch.kind]));
    assert.deepEqual(texts, ['A', 'B', 'create', migration.newText]);
    assert.deepEqual(fixAll.diagnostics!.map((x) => x.range.start.line), [1, 3], 'the diagnostics of the fixes applied');
  });

  test('source.fixAll.distributed-patterns (for codeActionsOnSave) needs no diagnostics in the request; quickfix-only requests do not get it', () => {
    const a = finding(2, [{ title: 'Guard', batchable: true, edits: [edit(FILE, 2, 3, 'A')] }]);
    const file = stored([a]);
    for (const only of [['source.fixAll'], ['source.fixAll.distributed-patterns'], ['source']]) {
      const actions = codeActions(context(file, [], { only }));
      assert.deepEqual(actions.map((x) => x.kind), ['source.fixAll.distributed-patterns'], `only ${only}`);
    }
    assert.deepEqual(codeActions(context(file, [], { only: ['quickfix'] })), []);
    assert.deepEqual(codeActions(context(file, [file.entries[0].diagnostic], { only: ['source.fixAll'] })).map((x) => x.kind), ['source.fixAll.distributed-patterns']);
  });

  test('the disable comment keeps the line\'s indentation, joins an existing directive, and keeps CRLF line ends', () => {
    const f = finding(4, []);
    const file = stored([f]);
    const disable = (ctx: CodeActionContext) => {
      const action = codeActions(ctx).find((a: CodeAction) => a.title.startsWith('Disable'));
      const first = action ? (action.edit!.documentChanges![0] as TextDocumentEdit).edits[0] : undefined;
      return first && 'newText' in first ? { range: first.range, newText: first.newText } : undefined;
    };
    assert.deepEqual(disable(context(file, [file.entries[0].diagnostic])), {
      range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } },
      newText: '    // distributed-patterns-disable-next-line non-idempotent-consumer -- explain why this is safe\n',
    });
    const withDirective = TEXT.replace('    eachMessage', '    // distributed-patterns-disable-next-line dual-write -- outbox relay owns this\n    eachMessage');
    const DIRECTIVE_END = '    // distributed-patterns-disable-next-line dual-write'.length;
    const shifted = { ...file.entries[0].diagnostic, range: { start: { line: 4, character: 4 }, end: { line: 4, character: 15 } } };
    assert.deepEqual(disable(context(file, [shifted], { text: withDirective })), {
      range: { start: { line: 3, character: DIRECTIVE_END }, end: { line: 3, character: DIRECTIVE_END } },
      newText: ', non-idempotent-consumer',
    });
    const crlf = disable(context(file, [file.entries[0].diagnostic], { text: TEXT.replace(/\n/g, '\r\n') }));
    assert.ok(crlf!.newText.endsWith(' -- explain why this is safe\r\n'));
  });

  test('no disable comment in the architecture file (YAML has no // comments); documentation is still offered', () => {
    const f = { ...finding(4, []), ruleId: 'invalid-architecture' };
    const file = stored([f]);
    const actions = codeActions(context(file, [file.entries[0].diagnostic], { uri: pathToUri(path.join(ROOT, 'architecture.yaml')) }));
    assert.deepEqual(actions.map((a) => a.title), ['Show documentation for distributed-patterns/invalid-architecture']);
    assert.equal(actions[0].command!.command, 'distributedPatterns.showDocumentation');
  });

  test('overlap rules: touching ranges are fine, inserts at one point are not', () => {
    assert.equal(overlaps(edit(FILE, 1, 1, 'x', 5), edit(FILE, 1, 5, 'y', 9)), false);
    assert.equal(overlaps(edit(FILE, 1, 1, 'x', 5), edit(FILE, 1, 4, 'y', 9)), true);
    assert.equal(overlaps(edit(FILE, 1, 3, 'x'), edit(FILE, 1, 3, 'y')), true);
    assert.equal(overlaps(edit(FILE, 1, 3, 'x'), edit(FILE, 1, 1, 'y', 9)), true);
    assert.equal(overlaps(edit(FILE, 1, 3, 'x'), edit('other.ts', 1, 3, 'y')), false);
    const result = combineFixes([{ title: 'a', edits: [edit(FILE, 1, 3, 'x')] }, { title: 'b', edits: [edit(FILE, 1, 3, 'y')] }]);
    assert.deepEqual([result.applied, result.skipped], [1, 1]);
  });
});
