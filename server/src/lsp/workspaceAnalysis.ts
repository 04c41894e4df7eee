/**
 * Runs analyses of workspace folders and publishes their diagnostics:
 * snapshots the open buffers, asks the engine, drops results for documents
 * edited meanwhile, reports progress and status.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CancellationToken, Connection, TextDocuments } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { ARCHITECTURE_FILE_NAMES } from '../engine/analyze';
import { readTextFile } from '../engine/workspace/files';
import { effectiveSeverity, toDiagnostic } from './diagnostics';
import { isCancellation, type AnalysisEngine } from './engine';
import type { Folder, Folders } from './folders';
import { errorText, type Logger } from './log';
import { StatusNotification, type StatusParams } from './protocol';
import { AnalysisQueue, type RunReason } from './queue';
import type { Settings } from './settings';
import { DiagnosticsStore, type FileDiagnostics, type Publish } from './store';
import { isInside, pathToUri, uriToPath } from './uris';

/** Reasons that show progress in the editor (the user did not just type). */
const PROGRESS_REASONS: RunReason[] = ['startup', 'config', 'settings'];
/** Reasons after which the engine re-reads the file list and configuration from disk; edits only change open buffers. */
const RESCAN_REASONS: RunReason[] = ['startup', 'config', 'files', 'settings'];
/** Reasons after which findings are filtered as in the last run, so unchanged files need not be sent again. */
const DELTA_REASONS: RunReason[] = ['edit', 'open', 'close', 'save'];

export interface WorkspaceAnalysisOptions {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  folders: Folders;
  engine: AnalysisEngine;
  log: Logger;
  settings(folder: Folder): Promise<Settings>;
  statusNotifications: boolean;
  progressSupported: boolean;
  /** Where changed diagnostics go; `textDocument/publishDiagnostics` when undefined (pull clients keep them in the server). */
  publish?: Publish;
}

export class WorkspaceAnalysis {
  readonly store: DiagnosticsStore;
  readonly queue: AnalysisQueue;
  /** Absolute path of the architecture file each folder's last run used. */
  private readonly architectureFiles = new Map<string, string>();
  private readonly filesAnalysed = new Map<string, number>();
  /** The engine output each folder's diagnostics were last built from. */
  private readonly outputs = new Map<string, string>();
  /** When the last finished run of each folder started (Date.now()). */
  private readonly analysedAt = new Map<string, number>();
  private readonly seenLogLines = new Set<string>();
  /** The open documents' versions each folder's last finished run analysed. */
  private readonly analysedVersions = new Map<string, ReadonlyMap<string, number>>();
  private runWaiters: (() => void)[] = [];
  private lastError: string | undefined;

  constructor(private readonly o: WorkspaceAnalysisOptions) {
    this.store = new DiagnosticsStore(o.publish ?? ((uri, diagnostics, version) => {
      void o.connection.sendDiagnostics({ uri, diagnostics, version });
    }));
    this.queue = new AnalysisQueue(
      (folder, reasons) => this.run(folder, reasons).finally(() => this.runEnded()),
      (folder, error) => o.log.error(`analysis of ${folder} failed: ${errorText(error)}`),
      // A newer edit makes the running analysis stale: stop it, the follow-up run includes its work.
      () => o.engine.cancelRunning(),
    );
  }

  schedule(folder: Folder, reason: RunReason, delayMs: number): void {
    this.queue.schedule(folder.uri, reason, delayMs);
  }

  /**
   * True when the last finished run of the folder already read this file's
   * current content from disk (it was not modified since that run started).
   */
  covers(folder: Folder, abs: string, text: string): boolean {
    const at = this.analysedAt.get(folder.uri);
    if (at === undefined) return false;
    try {
      return fs.statSync(abs).mtimeMs < at && readTextFile(abs) === text;
    } catch {
      return false;
    }
  }

  /** Stops analysing a folder and clears its diagnostics. */
  forget(folder: Folder): void {
    this.queue.cancel(folder.uri);
    this.o.engine.forget(folder.path);
    this.store.clearFolder(folder.uri);
    this.architectureFiles.delete(folder.uri);
    this.filesAnalysed.delete(folder.uri);
    this.analysedAt.delete(folder.uri);
    this.analysedVersions.delete(folder.uri);
    this.outputs.delete(folder.uri);
    this.sendStatus('ready');
  }

  /**
   * Resolves once the analysis has caught up: nothing is scheduled or running
   * and, for an open document (`abs` at `version`), the last run of its folder
   * read that version. Also resolves at `deadline`, on cancellation, or when
   * no run comes for the document within a short grace (it is not analysed,
   * or only on save).
   */
  async settled(doc: { abs: string; version: number } | undefined, deadline: number, token: CancellationToken): Promise<void> {
    let graceUsed = false;
    while (!token.isCancellationRequested && Date.now() < deadline) {
      if (this.queue.isBusy()) {
        await waitFor(this.queue.idle(), deadline, token);
        continue;
      }
      if (!doc || this.analysedVersion(doc.abs) === doc.version || graceUsed) return;
      // The change may not be scheduled yet (its settings are being fetched).
      graceUsed = true;
      await waitFor(new Promise<void>((resolve) => this.runWaiters.push(resolve)), Math.min(deadline, Date.now() + 300), token);
    }
  }

  private analysedVersion(abs: string): number | undefined {
    for (const versions of this.analysedVersions.values()) {
      const version = versions.get(abs);
      if (version !== undefined) return version;
    }
    return undefined;
  }

  private runEnded(): void {
    const waiters = this.runWaiters;
    this.runWaiters = [];
    for (const resolve of waiters) resolve();
  }

  /** Absolute path of the architecture file the folder's last run used, if it had one. */
  architectureFileOf(folder: Folder): string | undefined {
    return this.architectureFiles.get(folder.uri);
  }

  isArchitectureFile(abs: string): boolean {
    return ARCHITECTURE_FILE_NAMES.includes(path.basename(abs)) || [...this.architectureFiles.values()].includes(abs);
  }

  /** Engine log lines: new ones to the output, repeats (the same skipped file on every keystroke) only when verbose. */
  engineLog(line: string): void {
    if (this.seenLogLines.has(line)) {
      this.o.log.verbose(line);
      return;
    }
    if (this.seenLogLines.size > 5000) this.seenLogLines.clear();
    this.seenLogLines.add(line);
    this.o.log.info(line);
  }

  private async run(folderUri: string, reasons: ReadonlySet<RunReason>): Promise<void> {
    const { folders, documents, engine, log } = this.o;
    const folder = folders.get(folderUri);
    if (!folder) return;
    const settings = await this.o.settings(folder);
    if (!settings.enable) {
      log.verbose(`${folder.name}: distributedPatterns.enable is false; not analysing`);
      this.store.clearFolder(folder.uri);
      this.filesAnalysed.delete(folder.uri);
      this.sendStatus(this.anyEnabledFolder() ? 'ready' : 'disabled');
      return;
    }

    const startedAt = Date.now();
    const overlays = new Map<string, string>();
    const versions = new Map<string, number>();
    const uris = new Map<string, string>();
    for (const doc of documents.all()) {
      const abs = uriToPath(doc.uri);
      if (!abs || !isInside(folder.path, abs)) continue;
      overlays.set(abs, doc.getText());
      versions.set(abs, doc.version);
      uris.set(abs, doc.uri);
    }

    const showProgress = this.o.progressSupported && [...reasons].some((r) => PROGRESS_REASONS.includes(r));
    const progress = showProgress ? await this.o.connection.window.createWorkDoneProgress().catch(() => undefined) : undefined;
    progress?.begin('Distributed Patterns', 0, `Analysing ${folder.name}`, false);
    this.sendStatus('analysing', `Analysing ${folder.name}`);
    let lastPercent = -1;
    let output;
    try {
      output = await engine.analyze(
        {
          root: folder.path, architectureFile: settings.architectureFile, includeTests: settings.includeTests, overlays,
          rescan: [...reasons].some((r) => RESCAN_REASONS.includes(r)),
          // A loose folder reports open documents only, so which files it reports changes with them.
          since: !folder.loose && [...reasons].every((r) => DELTA_REASONS.includes(r)) ? this.outputs.get(folder.uri) : undefined,
        },
        (done, total) => {
          const percent = total ? Math.floor((done / total) * 100) : 100;
          if (percent === lastPercent) return;
          lastPercent = percent;
          progress?.report(percent, `${folder.name}: ${done}/${total} files`);
        },
      );
    } catch (error) {
      progress?.done();
      if (isCancellation(error)) {
        log.verbose(`${folder.name}: analysis superseded by a newer edit`);
        return;
      }
      this.lastError = `Analysis of ${folder.name} failed: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
      log.error(`analysis of ${folder.name} failed: ${errorText(error)}`);
      progress?.done();
      this.sendStatus('error', this.lastError);
      return;
    }
    progress?.done();
    this.lastError = undefined;
    if (folders.get(folder.uri) !== folder) return; // the folder was removed while it was analysed

    const files = new Map<string, FileDiagnostics>();
    const keys = new Set<string>();
    for (const finding of output.findings) {
      if (finding.suppressed) continue;
      const severity = effectiveSeverity(finding, settings.rules);
      if (!severity) continue;
      const abs = path.resolve(folder.path, finding.location.file);
      if (folders.ownerOf(abs)?.uri !== folder.uri) continue; // a nested workspace folder reports it
      if (folder.loose && !versions.has(abs)) continue; // outside the workspace: open files only
      let file = files.get(abs);
      if (!file) {
        file = { uri: uris.get(abs) ?? pathToUri(abs), abs, root: folder.path, version: versions.get(abs) ?? null, versions, entries: [] };
        files.set(abs, file);
      }
      let key = finding.fingerprint;
      for (let n = 2; keys.has(key); n++) key = `${finding.fingerprint}#${n}`;
      keys.add(key);
      file.entries.push({ key, finding, diagnostic: toDiagnostic(finding, severity, folder.path, key) });
    }

    // Documents edited while the analysis ran keep their diagnostics: the run was for older text.
    const keep = new Set<string>();
    for (const [abs, version] of versions) {
      const doc = documents.get(uris.get(abs)!);
      if (doc && doc.version !== version) keep.add(abs);
    }
    if (keep.size) log.verbose(`${folder.name}: ${keep.size} document(s) changed during the analysis; their results are dropped`);
    // Files whose findings did not change keep what is published for them.
    let count = [...files.values()].reduce((n, f) => n + f.entries.length, 0);
    for (const rel of output.unchangedFiles) {
      const abs = path.resolve(folder.path, rel);
      keep.add(abs);
      count += this.store.file(abs)?.entries.length ?? 0;
    }
    this.store.replaceFolder(folder.uri, files, keep);
    this.outputs.set(folder.uri, output.output);
    this.analysedVersions.set(folder.uri, versions);

    if (output.architectureFile) this.architectureFiles.set(folder.uri, path.resolve(folder.path, output.architectureFile));
    else this.architectureFiles.delete(folder.uri);
    this.filesAnalysed.set(folder.uri, output.filesAnalyzed);
    this.analysedAt.set(folder.uri, startedAt);
    const t = output.stats.timings;
    const work = `${output.stats.parsed.length} parsed, facts of ${output.stats.analysed.length} computed; update ${Math.round(t.update)} ms, facts ${Math.round(t.facts)} ms, rules ${Math.round(t.rules)} ms`;
    const summary = `${folder.name}: ${output.filesAnalyzed} files analysed, ${count} finding(s), ${output.skipped.length} skipped, ${Math.round(output.durationMs)} ms (${[...reasons].join(', ')}; ${work}; published ${Math.round(Date.now() - startedAt)} ms after the run was started)`;
    if (process.env.DPAT_TRACE_RUNS) process.stderr.write(`${summary}\n`);
    if (showProgress) log.info(summary);
    else log.verbose(summary);
    this.sendStatus(this.queue.hasPending() ? 'analysing' : 'ready');
  }

  private anyEnabledFolder(): boolean {
    return this.filesAnalysed.size > 0;
  }

  sendStatus(state: StatusParams['state'], message?: string): void {
    if (!this.o.statusNotifications) return;
    if (state === 'ready' && this.lastError) {
      state = 'error';
      message = this.lastError;
    }
    const files = [...this.filesAnalysed.values()].reduce((a, b) => a + b, 0);
    const params: StatusParams = { state, findings: this.store.count(), files, message };
    void this.o.connection.sendNotification(StatusNotification, params);
  }
}

/** Resolves when `promise` does, at `deadline`, or when `token` is cancelled, whichever is first. */
function waitFor(promise: Promise<void>, deadline: number, token: CancellationToken): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, deadline - Date.now()));
    const cancel = token.onCancellationRequested(done);
    void promise.then(done);
    function done(): void {
      clearTimeout(timer);
      cancel.dispose();
      resolve();
    }
  });
}
