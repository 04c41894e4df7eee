/**
 * Protocol tests for clients other than VS Code, driving the built
 * `dist/server.js --stdio`: pull diagnostics (LSP 3.17) for clients that ask
 * for them, no pull for a VS Code-like client (it would show every finding
 * twice), config files watched by the server when the client cannot register
 * watchers, and code actions for a Neovim 0.7-style request.
 * Run `npm run build` first (`npm test` does).
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionRequest,
  DocumentDiagnosticRequest,
  WorkspaceDiagnosticRequest,
  type ClientCapabilities,
  type CodeAction,
  type Diagnostic,
  type FullDocumentDiagnosticReport,
  type WorkspaceFullDocumentDiagnosticReport,
} from 'vscode-languageserver-protocol';
import { CLIENT_CAPABILITIES, LspTestClient, SERVER, makeWorkspace, uriOf } from './lspClient';
import { EACH_MESSAGE_RANGE, GUARDED_CONSUMER, PACKAGE_JSON, UNGUARDED_CONSUMER } from './fixtures';

const RULE = 'non-idempotent-consumer';
const INBOX_FIX = /^Guard with an inbox/;

/** What vscode-languageclient 9+ and Neovim 0.10+ announce: they can pull. */
const PULL_CAPABLE: ClientCapabilities = {
  ...CLIENT_CAPABILITIES,
  textDocument: { ...CLIENT_CAPABILITIES.textDocument, diagnostic: { dynamicRegistration: true, relatedDocumentSupport: false } },
  workspace: { ...CLIENT_CAPABILITIES.workspace, diagnostics: { refreshSupport: true } },
};

/**
 * Neovim 0.7: no dynamic registration of file watchers, no pull; workspace edits with resource
 * operations but no `documentChanges` flag (it applies documentChanges all the same).
 */
const NO_WATCHERS: ClientCapabilities = {
  ...CLIENT_CAPABILITIES,
  workspace: {
    ...CLIENT_CAPABILITIES.workspace,
    didChangeWatchedFiles: { dynamicRegistration: false },
    workspaceEdit: { resourceOperations: ['rename', 'create', 'delete'] },
  },
};

before(() => {
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
});

describe('pull diagnostics for a client that asks for them (initializationOptions.pullDiagnostics)', () => {
  let client: LspTestClient;
  let root: string;
  let consumer: string;
  let other: string;

  before(async () => {
    root = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER, 'src/other.ts': UNGUARDED_CONSUMER });
    consumer = path.join(root, 'src', 'consumer.ts');
    other = path.join(root, 'src', 'other.ts');
    client = new LspTestClient();
    const result = await client.initialize([root], { pullDiagnostics: true }, PULL_CAPABLE);
    assert.deepEqual(result.capabilities.diagnosticProvider, { identifier: 'distributed-patterns', interFileDependencies: true, workspaceDiagnostics: true });
  });

  after(() => client?.kill());

  const pullDocument = (abs: string, previousResultId?: string) =>
    client.connection.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: uriOf(abs) }, previousResultId });

  test('textDocument/diagnostic answers once the analysis has the document: the finding, its range and key; then "unchanged"', async () => {
    client.open(consumer);
    const report = (await pullDocument(consumer)) as FullDocumentDiagnosticReport;
    assert.equal(report.kind, 'full');
    const d = report.items.find((x) => x.code === RULE);
    assert.ok(d, `pulled ${JSON.stringify(report.items.map((x) => x.code))}\n${client.serverLog()}`);
    assert.deepEqual(d.range, EACH_MESSAGE_RANGE);
    assert.equal(d.source, 'distributed-patterns');
    assert.equal(typeof (d.data as { key?: unknown }).key, 'string');
    assert.ok(report.resultId);
    assert.deepEqual(await pullDocument(consumer, report.resultId), { kind: 'unchanged', resultId: report.resultId });
  });

  test('a pull right after an edit waits for the re-analysis: the inbox guard clears the finding', async () => {
    client.change(consumer, GUARDED_CONSUMER);
    const guarded = (await pullDocument(consumer)) as FullDocumentDiagnosticReport;
    assert.equal(guarded.kind, 'full');
    assert.ok(!guarded.items.some((x) => x.code === RULE), JSON.stringify(guarded.items));
    client.change(consumer, UNGUARDED_CONSUMER);
    const back = (await pullDocument(consumer, guarded.resultId)) as FullDocumentDiagnosticReport;
    assert.ok(back.items.some((x) => x.code === RULE), 'the finding is back after undoing the guard');
  });

  test('workspace/diagnostic reports files that are not open; known result ids come back "unchanged"', async () => {
    const report = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, { previousResultIds: [] });
    const forOther = report.items.find((i) => i.uri === uriOf(other)) as WorkspaceFullDocumentDiagnosticReport | undefined;
    assert.ok(forOther?.items.some((x) => x.code === RULE), `workspace report: ${JSON.stringify(report.items.map((i) => i.uri))}`);
    assert.equal(forOther!.version, null, 'not open: no version');
    const again = await client.connection.sendRequest(WorkspaceDiagnosticRequest.type, {
      previousResultIds: report.items.map((i) => ({ uri: i.uri, value: i.resultId! })),
    });
    assert.deepEqual(again.items.map((i) => i.kind), report.items.map(() => 'unchanged'));
  });

  test('nothing is pushed (no duplicates next to the pulled ones), and the client is asked to refresh after changes', () => {
    assert.equal(client.pushes, 0, 'no textDocument/publishDiagnostics');
    assert.ok(client.refreshRequests >= 1, 'workspace/diagnostic/refresh after the analysis changed diagnostics');
  });

  test('code actions come from the stored findings in pull mode too', async () => {
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(consumer) }, range: { start: { line: 10, character: 0 }, end: { line: 10, character: 0 } }, context: { diagnostics: [] },
    })) as CodeAction[];
    assert.ok(actions.some((a) => INBOX_FIX.test(a.title)), actions.map((a) => a.title).join(' | '));
    assert.equal(await client.stop(), 0);
  });
});

describe('a client that can pull but did not ask to (vscode-languageclient)', () => {
  let client: LspTestClient;
  after(() => client?.kill());

  test('gets pushed diagnostics and no diagnosticProvider, so it does not show each finding twice', async () => {
    const root = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER });
    const consumer = path.join(root, 'src', 'consumer.ts');
    client = new LspTestClient();
    const result = await client.initialize([root], { clientWatchesFiles: true }, PULL_CAPABLE);
    assert.equal(result.capabilities.diagnosticProvider, undefined);
    client.open(consumer);
    await client.waitForDiagnostics(consumer, (d) => d.some((x) => x.code === RULE));
    assert.equal(await client.stop(), 0);
  });
});

describe('a client that cannot register file watchers (Neovim 0.7)', () => {
  let client: LspTestClient;
  after(() => client?.kill());

  test('the server watches architecture.yaml itself: creating, changing and deleting it re-analyses without any notification', async () => {
    const root = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER });
    const consumer = path.join(root, 'src', 'consumer.ts');
    const architecture = path.join(root, 'architecture.yaml');
    client = new LspTestClient();
    await client.initialize([root], {}, NO_WATCHERS);
    const severity = (d: Diagnostic[]) => d.find((x) => x.code === RULE)?.severity;
    await client.waitForDiagnostics(consumer, (d) => severity(d) === 1, 'the default severity');
    assert.ok(!client.registrations.includes('workspace/didChangeWatchedFiles'));
    assert.ok(client.logs.some((l) => /config files watched by the server/.test(l)), client.serverLog());

    const warning = client.nextDiagnostics(consumer, (d) => severity(d) === 2, 'the architecture file to make it a warning');
    fs.writeFileSync(architecture, `rules:\n  ${RULE}: warning\n`);
    await warning;
    const off = client.nextDiagnostics(consumer, (d) => severity(d) === undefined, 'the architecture file to turn the rule off');
    fs.writeFileSync(architecture, `rules:\n  ${RULE}: off\n`);
    await off;
    const back = client.nextDiagnostics(consumer, (d) => severity(d) === 1, 'the default once the file is deleted');
    fs.rmSync(architecture);
    await back;
    assert.equal(await client.stop(), 0);
  });
});

describe('code actions for a Neovim 0.7-style request', () => {
  let client: LspTestClient;
  after(() => client?.kill());

  test('context diagnostics with only code, codeDescription and data, and a cursor range, get the inbox fix, disable and documentation', async () => {
    const root = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER });
    const consumer = path.join(root, 'src', 'consumer.ts');
    client = new LspTestClient();
    await client.initialize([root], {}, NO_WATCHERS);
    // Flagged by the background analysis before it is opened: fixes are built for open files only,
    // so the request right after the open waits for the run the open starts.
    const diagnostics = await client.waitForDiagnostics(consumer, (d) => d.some((x) => x.code === RULE));
    client.open(consumer);
    const d = diagnostics.find((x) => x.code === RULE)!;
    const echoed = { code: d.code, codeDescription: d.codeDescription, data: d.data };
    const titles = async (context: { diagnostics: unknown[] }) => ((await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(consumer) }, range: { start: { line: d.range.start.line, character: 0 }, end: { line: d.range.start.line, character: 0 } },
      context: context as { diagnostics: Diagnostic[] },
    })) as CodeAction[]).map((a) => a.title);
    const expected = [
      'Disable distributed-patterns/non-idempotent-consumer for this line',
      'Show documentation for distributed-patterns/non-idempotent-consumer',
    ];
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(consumer) }, range: d.range, context: { diagnostics: [echoed as Diagnostic] },
    })) as CodeAction[];
    const inbox = actions.find((a) => INBOX_FIX.test(a.title));
    assert.ok(inbox?.edit?.documentChanges, `the inbox fix as documentChanges (resource operations imply them): ${JSON.stringify(actions.map((a) => a.title))}`);
    const withEcho = await titles({ diagnostics: [echoed] });
    assert.ok(withEcho.some((t) => INBOX_FIX.test(t)), withEcho.join(' | '));
    for (const title of expected) assert.ok(withEcho.includes(title), `${title} among ${withEcho.join(' | ')}`);
    assert.deepEqual(await titles({ diagnostics: [] }), withEcho, 'the same with no diagnostics in the context');
    assert.equal(await client.stop(), 0);
  });
});
