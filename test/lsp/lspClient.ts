/**
 * A minimal LSP client for the protocol tests: starts the BUILT
 * `dist/server.js --stdio`, answers the server's requests the way an editor
 * does (configuration, progress, registrations), and waits for diagnostics
 * with a timeout instead of sleeping.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-languageserver-protocol/node';
import {
  ConfigurationRequest,
  DiagnosticRefreshRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  RegistrationRequest,
  ShowDocumentRequest,
  ShutdownRequest,
  WorkDoneProgressCreateRequest,
  type ClientCapabilities,
  type Diagnostic,
  type FileEvent,
  type InitializeResult,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const SERVER = path.join(REPO_ROOT, 'dist', 'server.js');
export const TIMEOUT_MS = 30_000;

export function uriOf(abs: string): string {
  return pathToFileURL(abs).href;
}

/** A throwaway workspace folder with the given files (paths relative to it). */
export function makeWorkspace(files: Record<string, string>, name = 'ws'): string {
  const root = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dpat-lsp-')), name);
  writeFiles(root, files);
  return root;
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const abs = path.join(root, rel);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, text);
  }
}

export const CLIENT_CAPABILITIES: ClientCapabilities = {
  workspace: {
    configuration: true,
    workspaceFolders: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceEdit: { documentChanges: true, resourceOperations: ['create', 'rename', 'delete'] },
  },
  textDocument: {
    synchronization: { didSave: true },
    publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true, versionSupport: true },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source', 'source.fixAll'] } }, dataSupport: true },
    completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown'] } },
    hover: { contentFormat: ['markdown'] },
  },
  window: { workDoneProgress: true, showDocument: { support: true } },
};

interface Waiter {
  uri: string;
  predicate: (diagnostics: Diagnostic[]) => boolean;
  resolve: (diagnostics: Diagnostic[]) => void;
}

export class LspTestClient {
  readonly connection: MessageConnection;
  readonly logs: string[] = [];
  readonly progressTokens: unknown[] = [];
  readonly progress: unknown[] = [];
  readonly registrations: string[] = [];
  readonly shownDocuments: string[] = [];
  /** `workspace/diagnostic/refresh` requests received. */
  refreshRequests = 0;
  /** `textDocument/publishDiagnostics` notifications received. */
  pushes = 0;
  /** Latest diagnostics per URI. */
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** Settings answered to workspace/configuration, by scope URI ('' for no scope). */
  settings = new Map<string, unknown>();
  private readonly child: ChildProcess;
  private readonly exited: Promise<number | null>;
  private waiters: Waiter[] = [];
  private readonly versions = new Map<string, number>();
  private readonly texts = new Map<string, string>();
  private stderr = '';

  /** `stdio`: what other editors use; `ipc`: what the VS Code client uses (node IPC channel). */
  constructor(transport: 'stdio' | 'ipc' = 'stdio') {
    if (transport === 'ipc') {
      this.child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
      this.connection = createMessageConnection(new IPCMessageReader(this.child), new IPCMessageWriter(this.child));
    } else {
      const child = spawn(process.execPath, [SERVER, '--stdio'], { stdio: 'pipe' });
      this.child = child;
      this.connection = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
    }
    this.child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
    this.connection.onNotification(PublishDiagnosticsNotification.type, (params: PublishDiagnosticsParams) => {
      this.pushes++;
      this.diagnostics.set(params.uri, params.diagnostics);
      this.waiters = this.waiters.filter((w) => {
        if (w.uri !== params.uri || !w.predicate(params.diagnostics)) return true;
        w.resolve(params.diagnostics);
        return false;
      });
    });
    this.connection.onNotification(LogMessageNotification.type, (params) => {
      this.logs.push(params.message);
    });
    this.connection.onNotification('$/progress', (params) => {
      this.progress.push(params);
    });
    this.connection.onRequest(ConfigurationRequest.type, (params) =>
      params.items.map((item) => this.settings.get(item.scopeUri ?? '') ?? this.settings.get('') ?? {}));
    this.connection.onRequest(WorkDoneProgressCreateRequest.type, (params) => {
      this.progressTokens.push(params.token);
    });
    this.connection.onRequest(RegistrationRequest.type, (params) => {
      this.registrations.push(...params.registrations.map((r) => r.method));
    });
    this.connection.onRequest(DiagnosticRefreshRequest.type, () => {
      this.refreshRequests++;
    });
    this.connection.onRequest(ShowDocumentRequest.type, (params) => {
      this.shownDocuments.push(params.uri);
      return { success: true };
    });
    this.connection.listen();
  }

  async initialize(folders: string[], initializationOptions: unknown = {}, capabilities = CLIENT_CAPABILITIES): Promise<InitializeResult> {
    const result = await this.connection.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: folders.length ? uriOf(folders[0]) : null,
      workspaceFolders: folders.map((f) => ({ uri: uriOf(f), name: path.basename(f) })),
      capabilities,
      initializationOptions,
    });
    await this.connection.sendNotification(InitializedNotification.type, {});
    return result;
  }

  /** Resolves with the next (or current) diagnostics of `abs` that satisfy `predicate`. */
  waitForDiagnostics(abs: string, predicate: (d: Diagnostic[]) => boolean, what = 'diagnostics'): Promise<Diagnostic[]> {
    const uri = uriOf(abs);
    const current = this.diagnostics.get(uri);
    if (current && predicate(current)) return Promise.resolve(current);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { uri, predicate, resolve: (d) => { clearTimeout(timer); resolve(d); } };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out waiting for ${what} on ${path.basename(abs)}; last: ${JSON.stringify(this.diagnostics.get(uri) ?? null)}\nserver log:\n${this.logs.join('\n')}\n${this.stderr}`));
      }, TIMEOUT_MS);
      this.waiters.push(waiter);
    });
  }

  /** Like waitForDiagnostics, but only diagnostics published after this call count. */
  nextDiagnostics(abs: string, predicate: (d: Diagnostic[]) => boolean, what?: string): Promise<Diagnostic[]> {
    this.diagnostics.delete(uriOf(abs));
    return this.waitForDiagnostics(abs, predicate, what);
  }

  open(abs: string, text = fs.readFileSync(abs, 'utf8'), languageId = languageOf(abs)): void {
    const uri = uriOf(abs);
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    void this.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version: 1, text } });
  }

  /** Replaces the whole text of an open document. */
  change(abs: string, text: string): number {
    const uri = uriOf(abs);
    const version = (this.versions.get(uri) ?? 0) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    void this.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    return version;
  }

  close(abs: string): void {
    void this.connection.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: uriOf(abs) } });
  }

  textOf(abs: string): string {
    return this.texts.get(uriOf(abs)) ?? '';
  }

  versionOf(abs: string): number | undefined {
    return this.versions.get(uriOf(abs));
  }

  filesChanged(changes: FileEvent[]): void {
    void this.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes });
  }

  /** shutdown + exit; resolves with the server's exit code. */
  async stop(): Promise<number | null> {
    await this.connection.sendRequest(ShutdownRequest.type);
    await this.connection.sendNotification(ExitNotification.type);
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([this.exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), TIMEOUT_MS)))]);
    clearTimeout(timer);
    this.connection.dispose();
    if (code === 'timeout') {
      this.child.kill();
      throw new Error('server did not exit after shutdown/exit');
    }
    return code;
  }

  /** For `after` hooks: make sure the process is gone even when a test failed. */
  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
    this.connection.dispose();
  }

  serverLog(): string {
    return `${this.logs.join('\n')}\n${this.stderr}`;
  }
}

function languageOf(abs: string): string {
  if (/\.ya?ml$/.test(abs)) return 'yaml';
  if (/\.tsx$/.test(abs)) return 'typescriptreact';
  if (/\.jsx$/.test(abs)) return 'javascriptreact';
  if (/\.[cm]?js$/.test(abs)) return 'javascript';
  return 'typescript';
}

/** Applies LSP text edits to a string (edits must not overlap). */
export function applyTextEdits(text: string, edits: { range: { start: { line: number; character: number }; end: { line: number; character: number } }; newText: string }[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => (lineStarts[p.line] ?? text.length) + p.character;
  const sorted = [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}
