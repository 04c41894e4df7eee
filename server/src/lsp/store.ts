/**
 * Published diagnostics and the findings behind them, per workspace folder
 * and file, so code actions can find a diagnostic's finding (and its fixes)
 * again and stale files can be cleared.
 */
import type { Diagnostic } from 'vscode-languageserver/node';
import type { Finding } from '../engine/types';

export interface StoredFinding {
  key: string;
  finding: Finding;
  diagnostic: Diagnostic;
}

export interface FileDiagnostics {
  uri: string;
  abs: string;
  /** Absolute path of the root the finding paths are relative to. */
  root: string;
  /** Version of the open document the findings were computed from; null when read from disk. */
  version: number | null;
  /** Versions of every open document in the run that produced these findings (fix edits may touch them). */
  versions: ReadonlyMap<string, number>;
  entries: StoredFinding[];
}

export type Publish = (uri: string, diagnostics: Diagnostic[], version: number | undefined) => void;

export class DiagnosticsStore {
  private readonly byFolder = new Map<string, Map<string, FileDiagnostics>>();

  constructor(private readonly publish: Publish) {}

  /**
   * Replaces a folder's diagnostics with a run's. Files in `keep` (edited
   * since the run started) keep what they had: a newer run is on its way.
   */
  replaceFolder(folder: string, files: Map<string, FileDiagnostics>, keep: ReadonlySet<string>): void {
    const previous = this.byFolder.get(folder) ?? new Map<string, FileDiagnostics>();
    const next = new Map<string, FileDiagnostics>();
    for (const [abs, old] of previous) {
      if (keep.has(abs)) next.set(abs, old);
      else if (!files.has(abs)) this.publish(old.uri, [], undefined);
    }
    for (const [abs, file] of files) {
      if (keep.has(abs)) continue;
      next.set(abs, file);
      const old = previous.get(abs);
      if (!old || old.uri !== file.uri || !sameDiagnostics(old.entries, file.entries)) {
        this.publish(file.uri, file.entries.map((e) => e.diagnostic), file.version ?? undefined);
      }
    }
    this.byFolder.set(folder, next);
  }

  clearFolder(folder: string): void {
    for (const file of this.byFolder.get(folder)?.values() ?? []) this.publish(file.uri, [], undefined);
    this.byFolder.delete(folder);
  }

  /** Clears one file in every folder; `uri` is also cleared when nothing was stored for it. */
  clearFile(abs: string, uri: string): void {
    let cleared = false;
    for (const files of this.byFolder.values()) {
      const file = files.get(abs);
      if (!file) continue;
      files.delete(abs);
      this.publish(file.uri, [], undefined);
      cleared = true;
    }
    if (!cleared) this.publish(uri, [], undefined);
  }

  file(abs: string): FileDiagnostics | undefined {
    for (const files of this.byFolder.values()) {
      const file = files.get(abs);
      if (file) return file;
    }
    return undefined;
  }

  count(): number {
    let n = 0;
    for (const files of this.byFolder.values()) for (const file of files.values()) n += file.entries.length;
    return n;
  }
}

function sameDiagnostics(a: StoredFinding[], b: StoredFinding[]): boolean {
  return a.length === b.length && JSON.stringify(a.map((e) => e.diagnostic)) === JSON.stringify(b.map((e) => e.diagnostic));
}
