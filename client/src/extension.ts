/**
 * The VS Code side: starts the bundled language server (dist/server.js) over
 * IPC, and adds the commands, file watchers and the status bar item.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  LanguageClient,
  State,
  TransportKind,
  type DocumentSelector,
  type LanguageClientOptions,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  Commands,
  CONFIG_FILE_GLOBS,
  GenerateReportRequest,
  SETTINGS_SECTION,
  SOURCE_FILE_GLOB,
  StatusNotification,
  type GenerateReportParams,
  type GenerateReportResult,
  type InitializationOptions,
  type StatusParams,
} from '../../server/src/lsp/protocol';
import { StatusBar } from './statusBar';

const LANGUAGES = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact'];

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const statusBar = new StatusBar();
  const output = vscode.window.createOutputChannel('Distributed Patterns', { log: true });
  context.subscriptions.push(statusBar, output);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6011'] } },
  };
  const watchers = [...CONFIG_FILE_GLOBS, SOURCE_FILE_GLOB].map((glob) => vscode.workspace.createFileSystemWatcher(glob));
  context.subscriptions.push(...watchers);
  const clientOptions: LanguageClientOptions = {
    documentSelector: documentSelector(),
    synchronize: { fileEvents: watchers },
    outputChannel: output,
    diagnosticCollectionName: 'distributed-patterns',
    initializationOptions: {
      clientCommands: [Commands.showDocumentation],
      clientWatchesFiles: true,
      statusNotifications: true,
    } satisfies InitializationOptions,
  };

  client = new LanguageClient(SETTINGS_SECTION, 'Distributed Patterns', serverOptions, clientOptions);
  const current = client;
  context.subscriptions.push(
    current.onDidChangeState((event) => {
      if (event.newState === State.Starting) statusBar.set('starting');
      else if (event.newState === State.Stopped) statusBar.set('stopped');
    }),
    current.onNotification(StatusNotification, (params: StatusParams) => statusBar.update(params)),
    vscode.commands.registerCommand(Commands.restartServer, async () => {
      statusBar.set('starting');
      await current.restart();
    }),
    vscode.commands.registerCommand(Commands.showOutput, () => output.show(true)),
    vscode.commands.registerCommand(Commands.generateReport, () => generateReport(current, output)),
    vscode.commands.registerCommand(Commands.showDocumentation, async (url?: unknown, ruleId?: unknown) => {
      if (typeof url !== 'string') {
        void vscode.window.showWarningMessage('Distributed Patterns: no documentation link for this rule.');
        return;
      }
      const opened = await vscode.env.openExternal(vscode.Uri.parse(url));
      if (!opened) output.warn(`could not open the documentation of ${String(ruleId)}: ${url}`);
    }),
    vscode.workspace.onDidChangeConfiguration((event) => {
      // The document selector is fixed at start; a custom architecture file needs a restart to be synced.
      if (event.affectsConfiguration(`${SETTINGS_SECTION}.architectureFile`)) void current.restart();
    }),
  );

  try {
    await current.start();
  } catch (error) {
    statusBar.set('error', `the language server did not start: ${error instanceof Error ? error.message : String(error)}`);
    output.error(`the language server did not start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }
}

export async function deactivate(): Promise<void> {
  const stopping = client;
  client = undefined;
  if (stopping?.isRunning()) await stopping.stop();
}

/** JS/TS sources, the architecture file, and the configured architecture file when it has another name. */
function documentSelector(): DocumentSelector {
  const selector: DocumentSelector = LANGUAGES.map((language) => ({ scheme: 'file', language }));
  selector.push({ scheme: 'file', pattern: '**/architecture.{yaml,yml}' });
  const custom = vscode.workspace.getConfiguration(SETTINGS_SECTION).get<string>('architectureFile');
  if (custom && custom.trim()) {
    const name = path.basename(custom.trim());
    if (!/^architecture\.ya?ml$/.test(name)) selector.push({ scheme: 'file', pattern: `**/${name}` });
  }
  return selector;
}

/** "Generate Review Report": asks the server to write the documents, then opens the index in the Markdown preview. */
async function generateReport(current: LanguageClient, output: vscode.LogOutputChannel): Promise<GenerateReportResult | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const folder = folders.length > 1
    ? await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Generate the review report for which folder?' })
    : folders[0];
  if (!folder) {
    if (!folders.length) void vscode.window.showWarningMessage('Distributed Patterns: open a folder to generate its review report.');
    return undefined;
  }
  const run = (force: boolean) => vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: 'Distributed Patterns: generating the review report' },
    () => current.sendRequest<GenerateReportResult>(GenerateReportRequest, { folderUri: folder.uri.toString(), force } satisfies GenerateReportParams),
  );
  try {
    let result = await run(false);
    if (result.skipped.length) {
      const names = result.skipped.map((u) => vscode.workspace.asRelativePath(vscode.Uri.parse(u))).join(', ');
      const choice = await vscode.window.showWarningMessage(
        `Distributed Patterns: left ${names} alone: written by a person (no generated-file marker).`, 'Overwrite');
      if (choice === 'Overwrite') result = await run(true);
    }
    output.info(`review report written: ${result.written.length} files`);
    await vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.parse(result.mainFileUri));
    return result;
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    output.error(`the review report failed: ${text}`);
    void vscode.window.showErrorMessage(`Distributed Patterns: the review report failed: ${text}`);
    return undefined;
  }
}
