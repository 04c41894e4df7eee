/**
 * Which findings a code-action request is about: the server's own current
 * findings, narrowed by the request's diagnostics only when they identify
 * findings, else those intersecting the requested range. Clients echo
 * diagnostics differently (Neovim 0.7 sends code, codeDescription and data
 * without range or message; some send none), and none of that may matter.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeActionParams, Diagnostic, Range } from 'vscode-languageserver/node';
import { codeActions, selectFindings, type CodeActionContext } from '../../server/src/lsp/codeActions';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import type { FileDiagnostics } from '../../server/src/lsp/store';
import { pathToUri } from '../../server/src/lsp/uris';
import type { Finding, Fix } from '../../server/src/engine/types';

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
  "      await producer.send({ topic: 'payment.completed', messages: [{ value: 'x' }] });",
  '    },',
  '  });',
  '}',
  '',
].join('\n');

const GUARD: Fix = {
  title: 'Guard with an inbox (dedupe on the message id)', isPreferred: true, batchable: true,
  edits: [{ file: FILE, range: { start: { line: 5, column: 7 }, end: { line: 5, column: 7 } }, newText: 'if (!(await seen(message))) return;\n      ' }],
};
const CORRELATE: Fix = {
  title: 'Add correlation and causation ids', batchable: true,
  edits: [{ file: FILE, range: { start: { line: 6, column: 59 }, end: { line: 6, column: 59 } }, newText: ', headers: {}' }],
};

/** Findings on line 4 (columns 5-16) and line 6 (columns 13-26), 1-based like the engine's. */
const CONSUMER: Finding = {
  ruleId: 'non-idempotent-consumer', messageId: 'unguarded', severity: 'error', message: 'Handler inserts on every delivery.', hint: 'Guard it.',
  location: { file: FILE, range: { start: { line: 4, column: 5 }, end: { line: 4, column: 16 } } },
  related: [], inferred: false, fixes: [GUARD], fingerprint: 'fp-consumer',
};
const PUBLISH: Finding = {
  ruleId: 'missing-correlation-id', messageId: 'publish', severity: 'warning', message: 'The message carries no correlation id.', hint: 'Add one.',
  location: { file: FILE, range: { start: { line: 6, column: 13 }, end: { line: 6, column: 26 } } },
  related: [], inferred: false, fixes: [CORRELATE], fingerprint: 'fp-publish',
};

const file: FileDiagnostics = {
  uri: URI, abs: ABS, root: ROOT, version: 1, versions: new Map([[ABS, 1]]),
  entries: [CONSUMER, PUBLISH].map((f) => ({ key: f.fingerprint, finding: f, diagnostic: toDiagnostic(f, f.severity, ROOT, f.fingerprint) })),
};
const [consumerDiagnostic, publishDiagnostic] = file.entries.map((e) => e.diagnostic);

const range = (sl: number, sc: number, el = sl, ec = sc): Range => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

function params(at: Range, diagnostics: unknown[] = [], only?: string[]): CodeActionParams {
  return { textDocument: { uri: URI }, range: at, context: { diagnostics: diagnostics as Diagnostic[], ...(only ? { only } : {}) } };
}

function context(p: CodeActionParams, version = 1): CodeActionContext {
  const document = TextDocument.create(URI, 'typescript', version, TEXT);
  return {
    document, params: p, file, supportsComments: true, documentationCommand: 'distributedPatterns.server.openDocumentation',
    edits: {
      root: ROOT, capabilities: { documentChanges: true, createFiles: true },
      openDocument: (abs) => (abs === ABS ? { uri: URI, version: document.version } : undefined),
      versionFor: (abs) => (abs === ABS ? 1 : undefined),
      fileExists: (abs) => abs === ABS,
    },
  };
}

const rules = (p: CodeActionParams) => selectFindings(file, p).map((s) => s.entry.finding.ruleId);
const titles = (p: CodeActionParams, version?: number) => codeActions(context(p, version)).map((a) => a.title);

describe('code actions: which findings a request is about', () => {
  test('no diagnostics in the request: the findings intersecting the range', () => {
    assert.deepEqual(rules(params(range(3, 6, 3, 8))), ['non-idempotent-consumer']);
    assert.deepEqual(rules(params(range(3, 0, 5, 20))), ['non-idempotent-consumer', 'missing-correlation-id']);
    assert.deepEqual(rules(params(range(3, 0, 5, 0))), ['non-idempotent-consumer'], 'a range ending before the publish');
    assert.deepEqual(rules(params(range(3, 15, 3, 20))), ['non-idempotent-consumer'], 'touching the end counts');
    assert.deepEqual(rules(params(range(4, 0, 4, 30))), [], 'a line between the two findings');
    assert.deepEqual(titles(params(range(3, 6, 3, 8))), [
      GUARD.title,
      'Disable distributed-patterns/non-idempotent-consumer for this line',
      'Show documentation for distributed-patterns/non-idempotent-consumer',
    ]);
  });

  test('a cursor (an empty range) anywhere on the flagged line, column 0 included, stands for the line', () => {
    assert.deepEqual(rules(params(range(3, 0))), ['non-idempotent-consumer']);
    assert.deepEqual(rules(params(range(5, 70))), ['missing-correlation-id']);
    assert.deepEqual(rules(params(range(2, 0))), []);
  });

  test('Neovim 0.7\'s echo (code, codeDescription and data; no range, no message, no source) identifies the finding by its key', () => {
    const echoed = { code: 'missing-correlation-id', codeDescription: publishDiagnostic.codeDescription, data: publishDiagnostic.data };
    // The cursor sits on the consumer's line, yet the client asked about the publish: the echo narrows.
    assert.deepEqual(rules(params(range(3, 0), [echoed])), ['missing-correlation-id']);
    const actions = codeActions(context(params(range(5, 0), [echoed])));
    assert.deepEqual(actions.map((a) => a.title), [
      CORRELATE.title,
      'Disable distributed-patterns/missing-correlation-id for this line',
      'Show documentation for distributed-patterns/missing-correlation-id',
    ]);
    assert.deepEqual(actions[0].diagnostics, [publishDiagnostic], 'actions carry the server\'s own diagnostic, not the partial echo');
  });

  test('an echo without data is matched by code and range; an unknown key falls back to code and range', () => {
    const withoutData = { range: consumerDiagnostic.range, code: 'non-idempotent-consumer', message: 'anything' };
    assert.deepEqual(rules(params(range(3, 0, 5, 80), [withoutData])), ['non-idempotent-consumer']);
    const staleKey = { ...withoutData, data: { key: 'from-an-older-run' } };
    assert.deepEqual(rules(params(range(3, 0, 5, 80), [staleKey])), ['non-idempotent-consumer']);
  });

  test('diagnostics that identify no finding (another server\'s, malformed ones) do not narrow: the range decides', () => {
    const tsserver = { range: range(3, 4, 3, 15), source: 'ts', code: 2304, message: 'Cannot find name' };
    assert.deepEqual(rules(params(range(3, 0, 5, 80), [tsserver, null, 42, { data: null }, { code: 'dual-write' }, { data: { key: 7 } }])),
      ['non-idempotent-consumer', 'missing-correlation-id']);
  });

  test('context.only is honoured: quickfix, nothing for other kinds, source fix-all only when asked', () => {
    assert.equal(titles(params(range(3, 0), [], ['quickfix'])).length, 3);
    assert.deepEqual(titles(params(range(3, 0), [], ['refactor'])), []);
    assert.deepEqual(codeActions(context(params(range(3, 0), [], ['source.fixAll']))).map((a) => a.kind), ['source.fixAll.distributed-patterns']);
    const fixAll = codeActions(context(params(range(0, 0), [], ['source'])));
    assert.equal(fixAll.length, 1, 'source actions do not depend on the range or the echo');
    assert.equal(fixAll[0].diagnostics!.length, 2, 'one fix per finding in the file');
  });

  test('after an edit the fixes are withheld (stale ranges); disable follows the echoed range, or is withheld without one', () => {
    assert.deepEqual(titles(params(range(3, 0)), 2), ['Show documentation for distributed-patterns/non-idempotent-consumer']);
    const moved = { code: 'non-idempotent-consumer', data: consumerDiagnostic.data, range: range(4, 4, 4, 15) };
    const actions = codeActions(context(params(range(4, 0), [moved]), 2));
    assert.deepEqual(actions.map((a) => a.title), [
      'Disable distributed-patterns/non-idempotent-consumer for this line',
      'Show documentation for distributed-patterns/non-idempotent-consumer',
    ]);
    const edit = actions[0].edit!.documentChanges![0] as { edits: { range: Range }[] };
    assert.equal(edit.edits[0].range.start.line, 4);
  });

  test('no findings stored for the document: nothing', () => {
    assert.deepEqual(selectFindings(undefined, params(range(3, 0))), []);
  });
});
