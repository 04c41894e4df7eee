/**
 * Helpers of the extension-host suite: fixture folders, documents, and
 * waiting for diagnostics through `onDidChangeDiagnostics` (never a sleep).
 */
import * as vscode from 'vscode';

export const EXTENSION_ID = 'distributed-patterns.distributed-patterns';
export const SOURCE = 'distributed-patterns';
export const DOCS_BASE = 'https://github.com/distributed-patterns/distributed-patterns/blob/main/docs/rules/';
/** The example's non-idempotent consumer: the kafkajs `eachMessage` handler of the payments service. */
export const PAYMENTS_MAIN = 'services/payments/src/main.ts';

/** How long a wait may take before the test fails with what it saw. */
export const WAIT_MS = 60_000;

/** The workspace folder of one scenario (its fixture folder's name). */
export function scenarioFolder(name: string): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.find((f) => f.name === name);
  if (!folder) {
    const names = (vscode.workspace.workspaceFolders ?? []).map((f) => f.name).join(', ') || 'none';
    throw new Error(`workspace folder ${name} is not open (open: ${names}); run the suite through scripts/editor/`);
  }
  return folder;
}

export function fileIn(folder: vscode.WorkspaceFolder, relative: string): vscode.Uri {
  return vscode.Uri.joinPath(folder.uri, ...relative.split('/'));
}

export async function openInEditor(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const document = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(document, { preview: false });
}

/** Our diagnostics on a file (other extensions may add their own). */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

export function ruleOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (typeof code === 'object' && code !== null) return String(code.value);
  return code === undefined ? undefined : String(code);
}

export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (!diagnostics.length) return '(none)';
  return diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${ruleOf(d)} [${d.source}]`).join('; ');
}

/**
 * Resolves with our diagnostics on `uri` as soon as `predicate` holds for them:
 * checked now and on every diagnostics change of that file. Rejects after
 * `timeoutMs` with what the file had by then.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    let settled = false;
    const finish = (diagnostics?: vscode.Diagnostic[], error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      subscription.dispose();
      if (error) reject(error);
      else resolve(diagnostics!);
    };
    const check = () => {
      const diagnostics = ours(uri);
      if (predicate(diagnostics)) finish(diagnostics);
    };
    // Subscribe before the first look, so a change in between is not missed.
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === key)) check();
    });
    const timer = setTimeout(() => {
      finish(undefined, new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} on ${vscode.workspace.asRelativePath(uri)}; it has: ${describeDiagnostics(ours(uri))}`));
    }, timeoutMs);
    check();
  });
}

/** Waits for a diagnostic of `rule` on the 1-based `line` (any line when omitted) and returns it. */
export async function waitForRule(uri: vscode.Uri, rule: string, line?: number): Promise<vscode.Diagnostic> {
  const matches = (d: vscode.Diagnostic) => ruleOf(d) === rule && (line === undefined || d.range.start.line === line - 1);
  const diagnostics = await waitForDiagnostics(uri, (ds) => ds.some(matches), `${rule}${line ? ` on line ${line}` : ''}`);
  return diagnostics.find(matches)!;
}

/** Waits until no diagnostic of `rule` is left on the file. */
export async function waitForRuleGone(uri: vscode.Uri, rule: string): Promise<vscode.Diagnostic[]> {
  return waitForDiagnostics(uri, (ds) => !ds.some((d) => ruleOf(d) === rule), `${rule} to clear`);
}

/** Resolves on the next diagnostics change of `uri` that satisfies `predicate` (ignores the current state). */
export function nextDiagnosticsChange(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = WAIT_MS,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const key = uri.toString();
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (!event.uris.some((u) => u.toString() === key)) return;
      const diagnostics = ours(uri);
      if (!predicate(diagnostics)) return;
      clearTimeout(timer);
      subscription.dispose();
      resolve(diagnostics);
    });
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what} on ${vscode.workspace.asRelativePath(uri)}; it has: ${describeDiagnostics(ours(uri))}`));
    }, timeoutMs);
  });
}

/** The example's list of deliberate findings (`expected-findings.json` at the fixture root). */
export interface ExpectedFinding {
  rule: string;
  file: string;
  line: number;
}

export async function expectedFindings(folder: vscode.WorkspaceFolder): Promise<ExpectedFinding[]> {
  const bytes = await vscode.workspace.fs.readFile(fileIn(folder, 'expected-findings.json'));
  const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { findings: ExpectedFinding[] };
  return parsed.findings;
}

/**
 * Code actions VS Code collects for a range, the way the light bulb does.
 * VS Code cancels such a request when the document or editor changes while
 * it runs (the error is "Canceled"); it is asked again then, at most 3 times.
 */
export async function codeActionsAt(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      const actions = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
        'vscode.executeCodeActionProvider', uri, range, vscode.CodeActionKind.QuickFix.value,
      );
      // A bare Command has a string `command`; a CodeAction's `command` is an object or absent.
      return (actions ?? []).filter((a): a is vscode.CodeAction => typeof (a as vscode.Command).command !== 'string');
    } catch (error) {
      const cancelled = error instanceof Error && (error.name === 'Canceled' || error.message === 'Canceled');
      if (!cancelled || attempt >= 3) throw error;
      console.log(`      (the code action request was cancelled by the editor; asking again, attempt ${attempt + 1})`);
    }
  }
}

/** Applies a code action as VS Code does: its edit, then its command. */
export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  if (action.edit) {
    const applied = await vscode.workspace.applyEdit(action.edit);
    if (!applied) throw new Error(`the edit of "${action.title}" was not applied`);
  }
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}
