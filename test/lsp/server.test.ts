/**
 * Protocol tests: the built `dist/server.js --stdio` driven as an editor
 * would drive it, on throwaway fixture workspaces.
 * Run `npm run build` first (`npm test` does).
 */
import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  DidChangeConfigurationNotification,
  DidChangeWorkspaceFoldersNotification,
  ExecuteCommandRequest,
  FileChangeType,
  HoverRequest,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type Hover,
  type TextDocumentEdit,
} from 'vscode-languageserver-protocol';
import { RULES } from '../../server/src/engine/rules';
import { LspTestClient, SERVER, applyTextEdits, makeWorkspace, uriOf, writeFiles } from './lspClient';
import { EACH_MESSAGE_RANGE, GUARDED_CONSUMER, PACKAGE_JSON, UNGUARDED_CONSUMER } from './fixtures';

const RULE = 'non-idempotent-consumer';
const DOCS_URL = RULES.find((r) => r.meta.id === RULE)!.meta.docsUrl;
const ofRule = (rule: string) => (d: Diagnostic[]) => d.some((x) => x.code === rule);
const noneOfRule = (rule: string) => (d: Diagnostic[]) => !d.some((x) => x.code === rule);

before(() => {
  assert.ok(fs.existsSync(SERVER), `${SERVER} is missing: run npm run build first`);
});

describe('language server over stdio: diagnostics, code actions, architecture file', () => {
  let client: LspTestClient;
  let root: string;
  let consumer: string;
  let architecture: string;

  before(async () => {
    root = makeWorkspace({
      'package.json': PACKAGE_JSON,
      'src/consumer.ts': UNGUARDED_CONSUMER,
      'src/other.ts': UNGUARDED_CONSUMER,
      'src/blob.js': 'binary\0\0\0content',
      'src/broken.ts': 'export function (((( {\n  const = ;\n',
    });
    consumer = path.join(root, 'src', 'consumer.ts');
    architecture = path.join(root, 'architecture.yaml');
    client = new LspTestClient();
    client.settings.set(uriOf(root), { enable: true, run: 'onType', rules: {}, trace: { server: 'verbose' } });
    const result = await client.initialize([root], { statusNotifications: true });
    assert.equal(result.serverInfo?.name, 'distributed-patterns-language-server');
    assert.ok(result.capabilities.codeActionProvider);
  });

  after(() => client?.kill());

  test('the whole workspace is analysed in the background, with progress, without opening files', async () => {
    const other = path.join(root, 'src', 'other.ts');
    await client.waitForDiagnostics(other, ofRule(RULE), 'background diagnostics of an unopened file');
    assert.ok(client.progressTokens.length >= 1, 'the server asked for a progress token');
    const kinds = client.progress.map((p) => (p as { value: { kind: string } }).value.kind);
    assert.ok(kinds.includes('begin') && kinds.includes('end'), `progress begin and end, got ${kinds.join(',')}`);
    assert.ok(client.logs.some((l) => /skipped src\/blob\.js: binary content/.test(l)), `skipped files are logged:\n${client.serverLog()}`);
    assert.ok(client.registrations.includes('workspace/didChangeConfiguration'));
    assert.ok(client.registrations.includes('workspace/didChangeWatchedFiles'), 'watchers registered for clients that do not watch files themselves');
  });

  test('didOpen: a non-idempotent-consumer diagnostic at the exact range, with code, source and documentation link', async () => {
    client.open(consumer, UNGUARDED_CONSUMER);
    const diagnostics = await client.waitForDiagnostics(consumer, ofRule(RULE));
    const d = diagnostics.find((x) => x.code === RULE)!;
    assert.deepEqual(d.range, EACH_MESSAGE_RANGE);
    assert.equal(d.source, 'distributed-patterns');
    assert.equal(d.severity, 1);
    assert.deepEqual(d.codeDescription, { href: DOCS_URL });
    assert.equal(typeof d.message, 'string');
    assert.match(d.message as string, /no deduplication on the message identity/);
    assert.match(d.message as string, /\nRecord the message id in an inbox/, 'message, newline, hint');
    assert.equal(d.tags, undefined);
    assert.ok(d.relatedInformation?.length, 'related locations: the insert repeated on redelivery');
    assert.equal(d.relatedInformation![0].location.uri, uriOf(consumer));
    assert.equal(d.relatedInformation![0].location.range.start.line, 12);
  });

  test('didChange adding an inbox guard (INSERT INTO inbox ... ON CONFLICT DO NOTHING) clears the diagnostic', async () => {
    const cleared = client.nextDiagnostics(consumer, noneOfRule(RULE), 'the diagnostic to clear');
    client.change(consumer, GUARDED_CONSUMER);
    await cleared;
    const back = client.nextDiagnostics(consumer, ofRule(RULE), 'the diagnostic to come back');
    client.change(consumer, UNGUARDED_CONSUMER);
    await back;
  });

  test('codeAction offers "disable for this line" whose edit, applied, suppresses the finding; and "show documentation"', async () => {
    const diagnostics = await client.waitForDiagnostics(consumer, ofRule(RULE));
    const diagnostic = diagnostics.find((d) => d.code === RULE)!;
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(consumer) },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    const disable = actions.find((a) => a.title === `Disable distributed-patterns/${RULE} for this line`);
    assert.ok(disable, `disable action among ${titles.join(' | ')}`);
    assert.equal(disable.kind, 'quickfix');
    const docs = actions.find((a) => a.title === `Show documentation for distributed-patterns/${RULE}`);
    assert.ok(docs?.command, 'show documentation action');
    assert.deepEqual(docs.command.arguments, [DOCS_URL, RULE]);

    const change = disable.edit!.documentChanges![0] as TextDocumentEdit;
    assert.equal(change.textDocument.uri, uriOf(consumer));
    assert.equal(change.textDocument.version, client.versionOf(consumer));
    const edited = applyTextEdits(client.textOf(consumer), change.edits.map((e) => ({ range: e.range, newText: 'newText' in e ? e.newText : e.snippet.value })));
    const lines = edited.split('\n');
    assert.equal(lines[10], `    // distributed-patterns-disable-next-line ${RULE} -- explain why this is safe`);
    assert.equal(lines[11], '    eachMessage: async ({ message }) => {');

    const cleared = client.nextDiagnostics(consumer, noneOfRule(RULE), 'the suppressed diagnostic to go');
    client.change(consumer, edited);
    const after = await cleared;
    assert.ok(!after.some((d) => d.code === 'unexplained-suppression'), 'the directive has a reason');
    client.change(consumer, UNGUARDED_CONSUMER);
    await client.nextDiagnostics(consumer, ofRule(RULE));
  });

  test('the show-documentation server command opens the URL with window/showDocument', async () => {
    await client.connection.sendRequest(ExecuteCommandRequest.type, { command: 'distributedPatterns.server.openDocumentation', arguments: [DOCS_URL, RULE] });
    assert.deepEqual(client.shownDocuments, [DOCS_URL]);
  });

  test('a changed architecture.yaml (rule off) + didChangeWatchedFiles refreshes the open file', async () => {
    await client.waitForDiagnostics(consumer, ofRule(RULE));
    const cleared = client.nextDiagnostics(consumer, noneOfRule(RULE), 'the rule to be turned off');
    fs.writeFileSync(architecture, `rules:\n  ${RULE}: off\n`);
    client.filesChanged([{ uri: uriOf(architecture), type: FileChangeType.Created }]);
    await cleared;
  });

  test('a broken architecture.yaml yields an invalid-architecture diagnostic on that file', async () => {
    const broken = 'services:\n  payments:\n    paths: [src\n    owner: team-payments\n';
    fs.writeFileSync(architecture, broken);
    client.filesChanged([{ uri: uriOf(architecture), type: FileChangeType.Changed }]);
    const diagnostics = await client.waitForDiagnostics(architecture, ofRule('invalid-architecture'));
    const d = diagnostics.find((x) => x.code === 'invalid-architecture')!;
    assert.equal(d.source, 'distributed-patterns');
    assert.ok(d.range.start.line >= 2, `points into the file, got line ${d.range.start.line}`);
    // Fixing it while open in the editor (no save) clears it, and the open consumer is flagged again.
    client.open(architecture, broken);
    const fixed = client.nextDiagnostics(architecture, noneOfRule('invalid-architecture'), 'the architecture problem to clear');
    const flagged = client.waitForDiagnostics(consumer, ofRule(RULE));
    client.change(architecture, 'services:\n  payments:\n    paths: [src]\n    owner: team-payments\n');
    await fixed;
    await flagged;
  });

  test('completion and hover in architecture.yaml come from the JSON Schema', async () => {
    const text = 'services:\n  payments:\n    paths: [src]\n    \ndatastores:\n  payments-db:\n    kind: \n';
    client.change(architecture, text);
    const keys = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: uriOf(architecture) }, position: { line: 3, character: 4 },
    })) as CompletionItem[];
    assert.deepEqual(keys.map((k) => k.label).sort(), ['owner', 'why'], 'paths is already there');
    assert.match(String((keys[0].documentation as { value: string }).value), /team|separate service/);
    const kinds = (await client.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: uriOf(architecture) }, position: { line: 6, character: 10 },
    })) as CompletionItem[];
    assert.ok(kinds.some((k) => k.label === 'postgres') && kinds.some((k) => k.label === 'mongodb'), 'datastore kinds');
    const hover = (await client.connection.sendRequest(HoverRequest.type, {
      textDocument: { uri: uriOf(architecture) }, position: { line: 6, character: 5 },
    })) as Hover;
    assert.match((hover.contents as { value: string }).value, /datastore technology/);
  });

  test('closing a workspace file keeps its diagnostics (it is part of the workspace analysis)', async () => {
    client.change(architecture, 'services:\n  payments:\n    paths: [src]\n');
    await client.waitForDiagnostics(consumer, ofRule(RULE));
    client.close(consumer);
    client.close(architecture);
    // The close triggers a re-read from disk; the file on disk still has the finding.
    const other = path.join(root, 'src', 'other.ts');
    fs.writeFileSync(other, GUARDED_CONSUMER);
    client.filesChanged([{ uri: uriOf(other), type: FileChangeType.Changed }]);
    await client.nextDiagnostics(other, noneOfRule(RULE), 'the guarded file on disk to clear');
    assert.ok(client.diagnostics.get(uriOf(consumer))?.some((d) => d.code === RULE), 'still flagged after close');
  });

  test('a file deleted while open does not crash the server; its diagnostics clear', async () => {
    const doomed = path.join(root, 'src', 'doomed.ts');
    writeFiles(root, { 'src/doomed.ts': UNGUARDED_CONSUMER });
    client.open(doomed, UNGUARDED_CONSUMER);
    await client.waitForDiagnostics(doomed, ofRule(RULE));
    fs.rmSync(doomed);
    const cleared = client.nextDiagnostics(doomed, (d) => d.length === 0, 'the deleted file to be cleared');
    client.filesChanged([{ uri: uriOf(doomed), type: FileChangeType.Deleted }]);
    await cleared;
    client.change(doomed, UNGUARDED_CONSUMER + '\n// still typing\n');
    client.close(doomed);
    await client.waitForDiagnostics(consumer, ofRule(RULE));
  });

  test('settings: distributedPatterns.rules turns a rule off; enable: false clears everything', async () => {
    client.open(consumer, UNGUARDED_CONSUMER);
    await client.waitForDiagnostics(consumer, ofRule(RULE));
    client.settings.set(uriOf(root), { enable: true, run: 'onType', rules: { [RULE]: 'off' } });
    const off = client.nextDiagnostics(consumer, noneOfRule(RULE), 'the rule setting to apply');
    void client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await off;
    client.settings.set(uriOf(root), { enable: true, run: 'onType', rules: { [RULE]: 'warning' } });
    const warning = client.nextDiagnostics(consumer, (d) => d.some((x) => x.code === RULE && x.severity === 2), 'a warning');
    void client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await warning;
    client.settings.set(uriOf(root), { enable: false });
    const cleared = client.nextDiagnostics(consumer, (d) => d.length === 0, 'disabled');
    void client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
    await cleared;
  });

  test('shutdown and exit end the process with code 0', async () => {
    assert.equal(await client.stop(), 0);
  });
});

describe('language server: multi-root workspaces', () => {
  let client: LspTestClient;
  after(() => client?.kill());

  test('each workspace folder is analysed as its own root', async () => {
    const a = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER }, 'a');
    const b = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER, 'architecture.yaml': `rules:\n  ${RULE}: warning\n` }, 'b');
    client = new LspTestClient();
    await client.initialize([a, b]);
    const inA = await client.waitForDiagnostics(path.join(a, 'src', 'consumer.ts'), ofRule(RULE));
    const inB = await client.waitForDiagnostics(path.join(b, 'src', 'consumer.ts'), ofRule(RULE));
    assert.equal(inA.find((d) => d.code === RULE)!.severity, 1, 'folder a: default severity');
    assert.equal(inB.find((d) => d.code === RULE)!.severity, 2, 'folder b: its own architecture file');

    // Folders added and removed while running.
    const c = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER }, 'c');
    void client.connection.sendNotification(DidChangeWorkspaceFoldersNotification.type, {
      event: { added: [{ uri: uriOf(c), name: 'c' }], removed: [{ uri: uriOf(a), name: 'a' }] },
    });
    await client.waitForDiagnostics(path.join(c, 'src', 'consumer.ts'), ofRule(RULE), 'diagnostics of the added folder');
    await client.waitForDiagnostics(path.join(a, 'src', 'consumer.ts'), (d) => d.length === 0, 'the removed folder cleared');
    assert.equal(await client.stop(), 0);
  });
});

describe('language server over node IPC (the VS Code client\'s transport)', () => {
  let client: LspTestClient;
  after(() => client?.kill());

  test('initialize, diagnostics for an open file, shutdown', async () => {
    const root = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER });
    const consumer = path.join(root, 'src', 'consumer.ts');
    client = new LspTestClient('ipc');
    await client.initialize([root], { clientCommands: ['distributedPatterns.showDocumentation'], clientWatchesFiles: true });
    client.open(consumer);
    const diagnostics = await client.waitForDiagnostics(consumer, ofRule(RULE));
    assert.deepEqual(diagnostics.find((d) => d.code === RULE)!.range, EACH_MESSAGE_RANGE);
    assert.ok(!client.registrations.includes('workspace/didChangeWatchedFiles'), 'the client watches files itself');
    const actions = (await client.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uriOf(consumer) }, range: diagnostics[0].range, context: { diagnostics },
    })) as CodeAction[];
    const docs = actions.find((a) => a.title.startsWith('Show documentation'))!;
    assert.equal(docs.command!.command, 'distributedPatterns.showDocumentation', 'the client\'s own command when it has one');
    assert.equal(await client.stop(), 0);
  });
});

describe('language server: files outside every workspace folder', () => {
  let client: LspTestClient;
  after(() => client?.kill());

  test('an open file is analysed with the nearest package.json folder as root; closing it clears its diagnostics', async () => {
    const root = makeWorkspace({ 'package.json': PACKAGE_JSON, 'src/consumer.ts': UNGUARDED_CONSUMER, 'src/other.ts': UNGUARDED_CONSUMER });
    const consumer = path.join(root, 'src', 'consumer.ts');
    client = new LspTestClient();
    await client.initialize([]);
    client.open(consumer);
    await client.waitForDiagnostics(consumer, ofRule(RULE));
    assert.equal(client.diagnostics.get(uriOf(path.join(root, 'src', 'other.ts'))), undefined, 'only open files outside the workspace');
    const cleared = client.nextDiagnostics(consumer, (d) => d.length === 0, 'diagnostics cleared on close');
    client.close(consumer);
    await cleared;
    assert.equal(await client.stop(), 0);
  });
});
