/**
 * Names and message shapes shared by the language server and the VS Code
 * client. Dependency-free on purpose: the client bundle imports it too.
 */

/** Diagnostic `source` and the suffix of the fix-all code action kind. */
export const SOURCE = 'distributed-patterns';

/** Settings section (`distributedPatterns.enable`, ...). */
export const SETTINGS_SECTION = 'distributedPatterns';

/** `source.fixAll.distributed-patterns`, usable in `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = `source.fixAll.${SOURCE}`;

export const Commands = {
  /** Client command: opens a rule's documentation in the browser. Arguments: [url, ruleId]. */
  showDocumentation: 'distributedPatterns.showDocumentation',
  restartServer: 'distributedPatterns.restartServer',
  showOutput: 'distributedPatterns.showOutput',
  /** Client command: "Distributed Patterns: Generate Review Report". */
  generateReport: 'distributedPatterns.generateReport',
  /**
   * Server command (workspace/executeCommand) for editors without the client
   * command: asks the editor to open the URL with `window/showDocument`.
   * Arguments: [url, ruleId].
   */
  openDocumentation: 'distributedPatterns.server.openDocumentation',
  /**
   * Server command run after a quick fix's edit is applied: asks the editor to
   * show the document with the range where the user types next (the reason of
   * a recorded decision) selected. Arguments: [uri, range].
   */
  revealSelection: 'distributedPatterns.server.revealSelection',
} as const;

/** What a client may say about itself in `initializationOptions`. */
export interface InitializationOptions {
  /** Client commands the server may put in code actions (e.g. the VS Code client's showDocumentation). */
  clientCommands?: string[];
  /** The client watches the config files itself; the server need not register watchers. */
  clientWatchesFiles?: boolean;
  /**
   * The client prefers to pull diagnostics (`textDocument/diagnostic`, `workspace/diagnostic`):
   * the server then advertises `diagnosticProvider` and stops pushing. Needs the client's
   * `textDocument.diagnostic` capability; without this option every client gets pushed diagnostics.
   */
  pullDiagnostics?: boolean;
  /** The client wants `distributedPatterns/status` notifications. */
  statusNotifications?: boolean;
  /** Settings for clients without `workspace/configuration` (same shape as the `distributedPatterns` section). */
  settings?: unknown;
}

/** Server → client notification with the analysis state, for a status bar. */
export const StatusNotification = 'distributedPatterns/status';

export interface StatusParams {
  state: 'ready' | 'analysing' | 'error' | 'disabled';
  /** Diagnostics currently published, over all workspace folders. */
  findings: number;
  /** Files analysed in the last runs, over all workspace folders. */
  files: number;
  /** Short human text (which folder is being analysed, the last error). */
  message?: string;
}

/** Files whose change can change findings anywhere in their folder (watched by the client or the server). */
export const CONFIG_FILE_GLOBS = [
  '**/architecture.{yaml,yml}',
  '**/tsconfig*.json',
  '**/jsconfig.json',
  '**/package.json',
  '**/{docker-compose,compose}*.{yml,yaml}',
  '**/.env',
  '**/.env.*',
  '**/Dockerfile',
];

/** Source files changed on disk (git checkout, generators) while not open in the editor. */
export const SOURCE_FILE_GLOB = '**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}';

/** True for the file names matched by CONFIG_FILE_GLOBS. */
export function isConfigFileName(name: string): boolean {
  return /^(architecture\.ya?ml|tsconfig.*\.json|jsconfig\.json|package\.json|(docker-)?compose.*\.ya?ml|\.env(\..*)?|Dockerfile)$/.test(name);
}

/** Client → server request: write the review report of one workspace folder. */
export const GenerateReportRequest = 'distributedPatterns/generateReport';

export interface GenerateReportParams {
  /** The workspace folder to report on. */
  folderUri: string;
  /** Overwrite files at the target paths that a person wrote (no generated-file marker). */
  force?: boolean;
}

export interface GenerateReportResult {
  /** The report's index (README.md), to open in the Markdown preview. */
  mainFileUri: string;
  written: string[];
  /** Files left alone because a person wrote them. */
  skipped: string[];
}
