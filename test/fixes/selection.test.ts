/**
 * Fix.selection at the protocol level: the quick fix carries a command the
 * editor runs after applying the edit, and the server answers it with
 * window/showDocument selecting the range (the decision's reason).
 */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeActionParams, Connection, ShowDocumentParams } from 'vscode-languageserver/node';
import { codeActions } from '../../server/src/lsp/codeActions';
import { executeCommand } from '../../server/src/lsp/commands';
import { toDiagnostic } from '../../server/src/lsp/diagnostics';
import { Commands } from '../../server/src/lsp/protocol';
import type { FileDiagnostics } from '../../server/src/lsp/store';
import { pathToUri } from '../../server/src/lsp/uris';
import type { Finding } from '../../server/src/engine/types';

const ROOT = path.resolve('/workspace/ledger');
const ABS = path.join(ROOT, 'src/lock.ts');
const URI = pathToUri(ABS);

test('a fix with a selection becomes a quick fix whose command reveals the selection after the edit', async () => {
  const finding: Finding = {
    ruleId: 'unjustified-distributed-lock', messageId: 'lock', severity: 'warning', message: 'lock', hint: 'justify it',
    location: { file: 'src/lock.ts', range: { start: { line: 2, column: 3 }, end: { line: 2, column: 10 } } },
    related: [], inferred: false, fingerprint: 'fp',
    fixes: [{
      title: 'Record a justification in architecture.yaml',
      edits: [{ file: 'architecture.yaml', range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } }, newText: 'version: 1\n' }],
      selection: { file: 'architecture.yaml', range: { start: { line: 5, column: 21 }, end: { line: 5, column: 40 } } },
    }],
  };
  const file: FileDiagnostics = {
    uri: URI, abs: ABS, root: ROOT, version: 1, versions: new Map([[ABS, 1]]),
    entries: [{ key: 'fp', finding, diagnostic: toDiagnostic(finding, 'warning', ROOT, 'fp') }],
  };
  const document = TextDocument.create(URI, 'typescript', 1, 'a\n  lock();\n');
  const params: CodeActionParams = { textDocument: { uri: URI }, range: file.entries[0].diagnostic.range, context: { diagnostics: [file.entries[0].diagnostic] } };
  const actions = codeActions({
    document, params, file, supportsComments: true, documentationCommand: 'x',
    edits: { root: ROOT, capabilities: { documentChanges: true, createFiles: true }, openDocument: () => undefined, fileExists: () => false },
  });
  const fix = actions.find((a) => a.title === 'Record a justification in architecture.yaml')!;
  assert.ok(fix.edit);
  const archUri = pathToUri(path.join(ROOT, 'architecture.yaml'));
  assert.deepEqual(fix.command, {
    title: 'Show the text to fill in', command: Commands.revealSelection,
    arguments: [archUri, { start: { line: 4, character: 20 }, end: { line: 4, character: 39 } }],
  });

  const shown: ShowDocumentParams[] = [];
  const connection = { window: { showDocument: async (p: ShowDocumentParams) => { shown.push(p); return { success: true }; } } } as unknown as Connection;
  const log = { warn: () => undefined, info: () => undefined, error: () => undefined, debug: () => undefined } as never;
  await executeCommand(connection, { command: fix.command!.command, arguments: fix.command!.arguments }, true, log);
  assert.deepEqual(shown, [{ uri: archUri, selection: { start: { line: 4, character: 20 }, end: { line: 4, character: 39 } }, takeFocus: true }]);
  await executeCommand(connection, { command: Commands.revealSelection, arguments: [archUri] }, true, log);
  await executeCommand(connection, { command: fix.command!.command, arguments: fix.command!.arguments }, false, log);
  assert.equal(shown.length, 1, 'bad arguments and clients without showDocument: nothing is shown');
});
