/**
 * Pull diagnostics (LSP 3.17 `textDocument/diagnostic`, `workspace/diagnostic`)
 * for clients that ask for them: the same diagnostics the server would push,
 * kept per URI with a result id, answered once the analysis has caught up with
 * the document, followed by `workspace/diagnostic/refresh` when they change.
 *
 * A client gets either pushed or pulled diagnostics, never both: clients keep
 * the two in separate collections (vscode-languageclient's pull feature has
 * its own DiagnosticCollection; Neovim uses a separate namespace), so a server
 * that pushes and also serves pulls shows every finding twice.
 */
import {
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Diagnostic,
  type DocumentDiagnosticParams,
  type DocumentDiagnosticReport,
  type WorkspaceDiagnosticParams,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver/node';

/** Identifier of the diagnostics this server provides (the `diagnosticProvider.identifier`). */
export const PULL_IDENTIFIER = 'distributed-patterns';

/** Longest a pull waits for a pending analysis before it answers with what is there. */
export const PULL_WAIT_MS = 20_000;

interface Published {
  diagnostics: Diagnostic[];
  version: number | null;
  resultId: string;
}

export interface PullOptions {
  /**
   * Resolves when the analysis has caught up with the document at `uri`
   * (or there is nothing to wait for); `undefined` waits for all pending runs.
   */
  settled(uri: string | undefined, deadline: number, token: CancellationToken): Promise<void>;
  /** Sends `workspace/diagnostic/refresh`; undefined when the client does not support it. */
  refresh?: () => Promise<void>;
  log(message: string): void;
}

export class PullDiagnostics {
  private readonly published = new Map<string, Published>();
  private counter = 0;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: PullOptions) {}

  /** What would have been pushed for `uri` (an empty list clears it). */
  set(uri: string, diagnostics: Diagnostic[], version: number | undefined): void {
    this.published.set(uri, { diagnostics, version: version ?? null, resultId: `${++this.counter}` });
    this.scheduleRefresh();
  }

  async document(params: DocumentDiagnosticParams, token: CancellationToken): Promise<DocumentDiagnosticReport> {
    await this.o.settled(params.textDocument.uri, Date.now() + PULL_WAIT_MS, token);
    const current = this.published.get(params.textDocument.uri);
    if (!current) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    if (params.previousResultId === current.resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId: current.resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId: current.resultId, items: current.diagnostics };
  }

  async workspace(params: WorkspaceDiagnosticParams, token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    await this.o.settled(undefined, Date.now() + PULL_WAIT_MS, token);
    const previous = new Map((params.previousResultIds ?? []).map((p) => [p.uri, p.value]));
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const [uri, current] of this.published) {
      if (previous.get(uri) === current.resultId) {
        items.push({ kind: DocumentDiagnosticReportKind.Unchanged, uri, version: current.version, resultId: current.resultId });
      } else {
        items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: current.version, resultId: current.resultId, items: current.diagnostics });
      }
    }
    return { items };
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
  }

  /** One refresh for the changes of one analysis run, not one per file. */
  private scheduleRefresh(): void {
    if (!this.o.refresh || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.o.refresh!().catch((error: unknown) => this.o.log(`workspace/diagnostic/refresh failed: ${String(error)}`));
    }, 0);
  }
}
