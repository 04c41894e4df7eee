/**
 * The language server: adapts the engine to LSP and nothing else. Wires the
 * protocol handlers to the workspace analysis, code actions, and the
 * architecture file's completion and hover.
 */
import * as path from 'node:path';
import {
  CodeActionKind,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  TextDocumentSyncKind,
  TextDocuments,
  type ClientCapabilities,
  type Connection,
  type DidChangeWatchedFilesParams,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { architectureCompletions } from './architecture/completion';
import { architectureHover } from './architecture/hover';
import { codeActions } from './codeActions';
import { executeCommand, SERVER_COMMANDS } from './commands';
import { createEngine, isAnalysedSource } from './engine';
import { Folders, type Folder } from './folders';
import { createLogger, errorText } from './log';
import {
  Commands,
  CONFIG_FILE_GLOBS,
  FIX_ALL_KIND,
  GenerateReportRequest,
  SETTINGS_SECTION,
  SOURCE_FILE_GLOB,
  isConfigFileName,
  type GenerateReportParams,
  type InitializationOptions,
} from './protocol';
import { PULL_IDENTIFIER, PullDiagnostics } from './pull';
import { reportForFolder } from './report';
import { SettingsCache, normaliseSettings, type Settings } from './settings';
import { isInside, pathToUri, toRootRelative, uriToPath } from './uris';
import { ConfigWatcher } from './watcher';
import { WorkspaceAnalysis } from './workspaceAnalysis';

/**
 * Delays (ms) between a change and the analysis it triggers; later changes restart the wait.
 * Edits wait only long enough to merge notifications sent together (like ESLint's server, which
 * validates on every change): a run after an edit redoes only what the edit affects, and an edit
 * that arrives while a run is in progress cancels it.
 */
const DELAY = { edit: 10, open: 50, close: 250, watched: 150, immediate: 0 };

/** Longest a code-action request waits for the analysis of the document's current text. */
const CODE_ACTION_WAIT_MS = 5_000;

const JS_TS_LANGUAGES = new Set(['typescript', 'javascript', 'typescriptreact', 'javascriptreact']);

export interface ServerOptions {
  /** Script to run the engine in a worker thread (the bundled server); in-process when undefined. */
  workerScript?: string;
  version: string;
}

export function startServer(connection: Connection, options: ServerOptions): void {
  const log = createLogger(connection.console);
  const documents = new TextDocuments(TextDocument);
  const folders = new Folders();
  const version = options.version;
  let capabilities: ClientCapabilities = {};
  let init: InitializationOptions = {};
  let globalSettings: unknown = undefined;

  const settings = new SettingsCache(async (scopeUri) => {
    if (capabilities.workspace?.configuration) {
      return connection.workspace.getConfiguration({ scopeUri, section: SETTINGS_SECTION });
    }
    return globalSettings ?? init.settings;
  }, (m) => log.warn(m));
  const settingsFor = async (folder: Folder): Promise<Settings> => {
    const s = await settings.get(folder.uri);
    if (s.trace.server === 'verbose') log.setVerbose(true);
    return s;
  };

  const engine = createEngine({ workerScript: options.workerScript, log: (m) => analysis.engineLog(m) });
  let analysis: WorkspaceAnalysis;
  /** Set for clients that pull diagnostics instead of receiving them pushed. */
  let pull: PullDiagnostics | undefined;
  /** Set when the client neither watches files for the server nor lets it register watchers. */
  let watcher: ConfigWatcher | undefined;

  /** Wraps a handler so a failure is logged, never thrown at the connection. */
  const safe = <A extends unknown[], R>(name: string, fallback: R, fn: (...args: A) => R | Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await fn(...args);
      } catch (error) {
        log.error(`${name} failed: ${errorText(error)}`);
        return fallback;
      }
    };

  connection.onInitialize((params): InitializeResult => {
    capabilities = params.capabilities;
    init = (params.initializationOptions ?? {}) as InitializationOptions;
    const initial = params.workspaceFolders ?? (params.rootUri ? [{ uri: params.rootUri, name: path.basename(uriToPath(params.rootUri) ?? 'root') }] : []);
    folders.add(initial);
    // Pull only when the client asks for it: a client keeps pulled and pushed diagnostics apart
    // (vscode-languageclient in two collections), so offering both to one client shows each twice.
    if (init.pullDiagnostics === true && capabilities.textDocument?.diagnostic) {
      pull = new PullDiagnostics({
        settled: (uri, deadline, token) => analysis.settled(openDocument(uri), deadline, token),
        refresh: capabilities.workspace?.diagnostics?.refreshSupport ? () => connection.languages.diagnostics.refresh() : undefined,
        log: (m) => log.warn(m),
      });
    } else if (init.pullDiagnostics === true) {
      log.warn('pullDiagnostics was asked for, but the client has no textDocument.diagnostic capability: pushing diagnostics');
    }
    analysis = new WorkspaceAnalysis({
      connection, documents, folders, engine, log, settings: settingsFor,
      statusNotifications: init.statusNotifications === true,
      progressSupported: capabilities.window?.workDoneProgress === true,
      publish: pull ? (uri, diagnostics, v) => pull!.set(uri, diagnostics, v) : undefined,
    });
    if (!init.clientWatchesFiles && !capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      watcher = new ConfigWatcher({
        onChange: (changes) => filesChanged({ changes }),
        isArchitectureFile: (abs) => analysis.isArchitectureFile(abs),
        log: (m) => log.info(m),
      });
    }
    log.info(`Distributed Patterns language server ${version} (node ${process.version}); engine ${options.workerScript ? 'in a worker thread' : 'in process'}`);
    log.info(`workspace folders: ${folders.all().map((f) => f.path).join(', ') || '(none)'}`);
    log.info(`diagnostics: ${pull ? 'pulled by the client' : 'pushed'}; config files watched by ${watcher ? 'the server' : 'the client'}`);
    const serverCapabilities: ServerCapabilities = {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      executeCommandProvider: { commands: SERVER_COMMANDS },
      completionProvider: { resolveProvider: false },
      hoverProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    };
    if (pull) serverCapabilities.diagnosticProvider = { identifier: PULL_IDENTIFIER, interFileDependencies: true, workspaceDiagnostics: true };
    return { capabilities: serverCapabilities, serverInfo: { name: 'distributed-patterns-language-server', version } };
  });

  /** The open document at `uri` as the analysis knows it, for pulls that wait for it. */
  const openDocument = (uri: string | undefined) => {
    const doc = uri ? documents.get(uri) : undefined;
    const abs = uri ? uriToPath(uri) : undefined;
    return doc && abs ? { abs, version: doc.version } : undefined;
  };

  /** Watches a folder's config files when the client does not; again after a rescan found others. */
  const watchFolder = (folder: Folder) => {
    if (!watcher || folder.loose) return;
    const architecture = analysis.architectureFileOf(folder);
    try {
      watcher.watch(folder.uri, folder.path, architecture ? [architecture] : []);
    } catch (error) {
      log.warn(`cannot watch the config files of ${folder.name}: ${errorText(error)}`);
    }
  };

  connection.onInitialized(safe('initialized', undefined, async () => {
    // The whole workspace in the background, not only open files.
    for (const folder of folders.all()) analysis.schedule(folder, 'startup', DELAY.immediate);
    analysis.sendStatus(folders.all().length ? 'analysing' : 'ready', 'Starting');
    for (const folder of folders.all()) watchFolder(folder);
    // Again once the first runs know each folder's architecture file (a setting may put it elsewhere).
    if (watcher) void analysis.queue.idle().then(() => { for (const folder of folders.all()) watchFolder(folder); });
    if (capabilities.workspace?.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders(safe('didChangeWorkspaceFolders', undefined, (event) => {
        for (const removed of event.removed) {
          const folder = folders.remove(removed.uri);
          if (folder) analysis.forget(folder);
          watcher?.unwatch(removed.uri);
        }
        const added = folders.add(event.added);
        // Files that were outside the workspace may now be inside a folder: drop their makeshift roots.
        for (const loose of folders.all().filter((f) => f.loose && added.some((a) => isInside(a.path, f.path)))) {
          folders.remove(loose.uri);
          analysis.forget(loose);
        }
        for (const folder of added) {
          analysis.schedule(folder, 'startup', DELAY.immediate);
          watchFolder(folder);
        }
      }));
    }
    if (capabilities.workspace?.didChangeConfiguration?.dynamicRegistration) {
      await connection.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    }
    if (!init.clientWatchesFiles && capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration) {
      await connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [...CONFIG_FILE_GLOBS, SOURCE_FILE_GLOB].map((globPattern) => ({ globPattern })),
      });
    }
  }));

  connection.onDidChangeConfiguration(safe('didChangeConfiguration', undefined, (params) => {
    const section = (params.settings as Record<string, unknown> | null | undefined)?.[SETTINGS_SECTION];
    if (section !== undefined) globalSettings = section;
    settings.clear();
    log.setVerbose(normaliseSettings(globalSettings ?? init.settings).trace.server === 'verbose');
    for (const folder of folders.all()) analysis.schedule(folder, 'settings', DELAY.immediate);
  }));

  const isLanguageFile = (doc: TextDocument) => JS_TS_LANGUAGES.has(doc.languageId) || /\.[cm]?[jt]sx?$/.test(doc.uri);

  /** TextDocuments reports an open as a content change too; the open is handled by itself. */
  const justOpened = new Set<string>();

  documents.onDidOpen(safe('didOpen', undefined, (event) => {
    justOpened.add(event.document.uri);
    const abs = uriToPath(event.document.uri);
    if (!abs) return;
    const folder = folders.ownerOrLooseRoot(abs);
    if (!folder) {
      log.info(`not analysing ${abs}: it is outside the workspace folders and no folder above it has a package.json or architecture file`);
      return;
    }
    // Already covered by the workspace analysis when the buffer is what is on disk, unless the file has
    // findings read from disk: their quick fixes are built only for open documents.
    const fromDisk = analysis.store.file(abs)?.version === null;
    if (!folder.loose && !fromDisk && analysis.covers(folder, abs, event.document.getText())) return;
    analysis.schedule(folder, 'open', DELAY.open);
  }));

  documents.onDidChangeContent(safe('didChange', undefined, async (event) => {
    if (justOpened.delete(event.document.uri)) return;
    const abs = uriToPath(event.document.uri);
    const folder = abs ? folders.ownerOf(abs) : undefined;
    if (!folder) return;
    if ((await settingsFor(folder)).run === 'onType') analysis.schedule(folder, 'edit', DELAY.edit);
  }));

  documents.onDidSave(safe('didSave', undefined, async (event) => {
    const abs = uriToPath(event.document.uri);
    const folder = abs ? folders.ownerOf(abs) : undefined;
    if (!folder) return;
    if ((await settingsFor(folder)).run === 'onSave') analysis.schedule(folder, 'save', DELAY.immediate);
  }));

  documents.onDidClose(safe('didClose', undefined, (event) => {
    const abs = uriToPath(event.document.uri);
    if (!abs) return;
    const folder = folders.ownerOf(abs);
    const partOfAnalysis = folder && !folder.loose && (isAnalysedSource(toRootRelative(folder.path, abs)) || analysis.isArchitectureFile(abs));
    if (folder && partOfAnalysis) {
      // Keep its diagnostics; re-read it from disk (the buffer may have been closed unsaved, or the file deleted).
      analysis.schedule(folder, 'close', DELAY.close);
      return;
    }
    analysis.store.clearFile(abs, event.document.uri);
    if (folder?.loose && !documents.all().some((d) => { const p = uriToPath(d.uri); return p && folders.ownerOf(p) === folder; })) {
      folders.remove(folder.uri);
      analysis.forget(folder);
    }
  }));

  /** Changes on disk, reported by the client's watchers or the server's own. */
  const filesChanged = safe('didChangeWatchedFiles', undefined, (params: DidChangeWatchedFilesParams) => {
    const scheduled = new Set<string>();
    for (const change of params.changes) {
      const abs = uriToPath(change.uri);
      if (!abs) continue;
      const config = isConfigFileName(path.basename(abs)) || analysis.isArchitectureFile(abs);
      // An open buffer is the truth for its file; its on-disk change (the save) says nothing new.
      if (!config && change.type === FileChangeType.Changed && documents.get(change.uri)) continue;
      const owner = folders.ownerOf(abs);
      const targets = owner ? [owner] : config ? folders.workspaceFolders() : [];
      for (const folder of targets) {
        if (scheduled.has(folder.uri)) continue;
        scheduled.add(folder.uri);
        log.verbose(`${path.basename(abs)} changed: re-analysing ${folder.name}`);
        analysis.schedule(folder, config ? 'config' : 'files', DELAY.watched);
        // A config change may add or move config files (a new service's package.json).
        if (config) setTimeout(() => watchFolder(folder), DELAY.watched);
      }
    }
  });
  connection.onDidChangeWatchedFiles(filesChanged);

  connection.languages.diagnostics.on(safe('textDocument/diagnostic', { kind: 'full', items: [] }, (params, token) =>
    pull ? pull.document(params, token) : { kind: 'full' as const, items: pushedFor(params.textDocument.uri) }));
  connection.languages.diagnostics.onWorkspace(safe('workspace/diagnostic', { items: [] }, (params, token) =>
    pull ? pull.workspace(params, token) : { items: [] }));

  /** A push client that pulls anyway gets what was pushed. */
  const pushedFor = (uri: string) => {
    const abs = uriToPath(uri);
    return (abs ? analysis.store.file(abs)?.entries ?? [] : []).map((e) => e.diagnostic);
  };

  // Resource operations exist only inside documentChanges, so a client announcing them takes documentChanges
  // even without saying so (Neovim 0.7 announces create/rename/delete and applies documentChanges).
  const editCapabilities = () => ({
    documentChanges: capabilities.workspace?.workspaceEdit?.documentChanges === true || (capabilities.workspace?.workspaceEdit?.resourceOperations?.length ?? 0) > 0,
    createFiles: capabilities.workspace?.workspaceEdit?.resourceOperations?.includes('create') === true,
  });

  connection.onCodeAction(safe('codeAction', [], async (params, token) => {
    const document = documents.get(params.textDocument.uri);
    const abs = uriToPath(params.textDocument.uri);
    if (!document || !abs) return [];
    // Fixes exist for the analysed text of open documents: a request right after an open or an edit waits for that run.
    if (analysis.store.file(abs)?.version !== document.version) {
      await analysis.settled({ abs, version: document.version }, Date.now() + CODE_ACTION_WAIT_MS, token);
    }
    const file = analysis.store.file(abs);
    const root = file?.root ?? folders.ownerOf(abs)?.path ?? path.dirname(abs);
    return codeActions({
      document,
      params,
      file,
      supportsComments: isLanguageFile(document),
      documentationCommand: init.clientCommands?.includes(Commands.showDocumentation) ? Commands.showDocumentation : Commands.openDocumentation,
      edits: {
        root,
        capabilities: editCapabilities(),
        openDocument: (p) => {
          const doc = documents.get(pathToUri(p)) ?? documents.all().find((d) => uriToPath(d.uri) === p);
          return doc ? { uri: doc.uri, version: doc.version } : undefined;
        },
        versionFor: (p) => (file?.versions.has(p) ? file.versions.get(p) : undefined),
      },
    });
  }));

  connection.onExecuteCommand(safe('executeCommand', undefined, (params) =>
    executeCommand(connection, params, capabilities.window?.showDocument?.support === true, log)));

  const architectureText = (uri: string): string | undefined => {
    const abs = uriToPath(uri);
    const doc = documents.get(uri);
    return abs && doc && analysis.isArchitectureFile(abs) ? doc.getText() : undefined;
  };

  connection.onCompletion(safe('completion', [], (params) => {
    const text = architectureText(params.textDocument.uri);
    if (text === undefined) return [];
    const snippets = capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
    return architectureCompletions(text, params.position, snippets);
  }));

  connection.onHover(safe('hover', null, (params) => {
    const text = architectureText(params.textDocument.uri);
    return text === undefined ? null : architectureHover(text, params.position);
  }));

  connection.onRequest(GenerateReportRequest, (params: GenerateReportParams) =>
    reportForFolder(params, { folders, documents, settings: settingsFor, log: (m) => log.info(m) }));

  connection.onShutdown(async () => {
    watcher?.dispose();
    pull?.dispose();
    analysis?.queue.dispose();
    await engine.dispose();
  });

  documents.listen(connection);
  connection.listen();
}
