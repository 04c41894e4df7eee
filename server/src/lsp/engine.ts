/**
 * The one place the server talks to the analysis engine. The engine runs in
 * a worker thread (so the server keeps answering while it works) and keeps
 * one AnalysisSession per workspace folder, so a run after an edit redoes
 * only what the edit can change. A newer request for the same folder
 * cancels the run in progress (its work so far is kept for the next run).
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import picomatch from 'picomatch';
import { AnalysisSession, CancelledError, type RunStats } from '../engine/session';
import { IGNORED_DIRS, SOURCE_GLOB, toRel } from '../engine/workspace/files';
import type { Finding } from '../engine/types';

export interface AnalysisRequest {
  /** Absolute path of the workspace folder analysed as one root. */
  root: string;
  architectureFile?: string;
  /** Analyse non-production code too (the includeTests setting). */
  includeTests?: boolean;
  /** Open editor buffers by absolute path. */
  overlays: Map<string, string>;
  /** Re-read the file list and configuration from disk (startup, watched-file and settings changes). */
  rescan?: boolean;
  /**
   * The `output` id of the last result the caller applied: files whose findings are unchanged
   * since then are listed in `unchangedFiles` instead of being sent again.
   */
  since?: string;
}

export interface AnalysisOutput {
  root: string;
  /** All findings, or (after a request with `since`) those of files not in `unchangedFiles`. */
  findings: Finding[];
  /** Root-relative files whose findings are exactly those of the output `since` named. */
  unchangedFiles: string[];
  /** Identifies this output, for the next request's `since`. */
  output: string;
  filesAnalyzed: number;
  skipped: { file: string; reason: string }[];
  /** Root-relative path of the architecture file used, if any. */
  architectureFile?: string;
  durationMs: number;
  /** What the run redid: files parsed and files whose facts were computed. */
  stats: RunStats;
}

/** A run given up because a newer request for the same folder arrived. */
export function isCancellation(error: unknown): boolean {
  return error instanceof Error && /analysis cancelled/.test(error.message);
}

export interface AnalysisEngine {
  analyze(request: AnalysisRequest, onProgress?: (done: number, total: number) => void): Promise<AnalysisOutput>;
  /** Asks the run in progress (if any) to stop: a newer request supersedes it. */
  cancelRunning(): void;
  /** Drops what the engine keeps for a folder no longer analysed. */
  forget(root: string): void;
  dispose(): Promise<void>;
}

export interface EngineOptions {
  /** Script to start as the worker (the bundled server itself); in-process when undefined. */
  workerScript?: string;
  /** An analysis taking longer is abandoned (the worker is restarted). Default 5 minutes. */
  timeoutMs?: number;
  /** Engine log lines (skipped files, failed rules). */
  log(message: string): void;
}

export function createEngine(options: EngineOptions): AnalysisEngine {
  return options.workerScript ? new WorkerEngine(options.workerScript, options.log, options.timeoutMs ?? 300_000) : new InProcessEngine(options.log);
}

/** Runs the engine in this thread (tests, unbundled runs, or when a worker cannot start). */
export class InProcessEngine implements AnalysisEngine {
  private readonly sessions = new Sessions();

  constructor(private readonly log: (m: string) => void) {}

  async analyze(request: AnalysisRequest, onProgress?: (done: number, total: number) => void): Promise<AnalysisOutput> {
    await new Promise((resolve) => setImmediate(resolve)); // let queued messages through first
    return this.sessions.run(request, this.log, onProgress);
  }

  cancelRunning(): void {
    // In process, a run is synchronous: nothing else runs while it does.
  }

  forget(root: string): void {
    this.sessions.forget(root);
  }

  async dispose(): Promise<void> {}
}

/** The sessions of one engine, by folder and architecture file. */
export class Sessions {
  private readonly byKey = new Map<string, { session: AnalysisSession; output?: string; byFile: Map<string, string> }>();
  /** Distinguishes this engine's outputs from a restarted one's. */
  private readonly nonce = Math.random().toString(36).slice(2, 10);
  private outputs = 0;

  run(request: AnalysisRequest, log: (m: string) => void, onProgress?: (done: number, total: number) => void, isCancelled?: () => boolean): AnalysisOutput {
    const started = performance.now();
    const key = `${request.root}\n${request.architectureFile ?? ''}\n${request.includeTests ? 'tests' : ''}`;
    let entry = this.byKey.get(key);
    if (!entry) {
      entry = { session: new AnalysisSession({ root: request.root, architectureFile: request.architectureFile, includeTests: request.includeTests, log }), byFile: new Map() };
      this.byKey.set(key, entry);
    }
    // Quick fixes are built for open documents only: code actions are asked for nowhere else.
    const open = new Set([...request.overlays.keys()].map((abs) => toRel(path.resolve(request.root), abs)));
    const { result, stats } = entry.session.run({
      overlays: request.overlays,
      rescan: request.rescan,
      withFixes: (rel) => open.has(rel),
      onProgress,
      isCancelled,
    });
    // Files whose findings are those of the output the caller already has are not sent again.
    const byFile = new Map<string, Finding[]>();
    for (const f of result.findings) {
      const list = byFile.get(f.location.file);
      if (list) list.push(f);
      else byFile.set(f.location.file, [f]);
    }
    const texts = new Map([...byFile].map(([rel, list]) => [rel, JSON.stringify(list)]));
    const delta = request.since !== undefined && request.since === entry.output;
    const unchangedFiles = delta ? [...texts].filter(([rel, text]) => entry!.byFile.get(rel) === text).map(([rel]) => rel) : [];
    const unchanged = new Set(unchangedFiles);
    entry.byFile = texts;
    entry.output = `${this.nonce}:${++this.outputs}`;
    return {
      root: result.root,
      findings: unchanged.size ? result.findings.filter((f) => !unchanged.has(f.location.file)) : result.findings,
      unchangedFiles,
      output: entry.output,
      filesAnalyzed: result.filesAnalyzed,
      skipped: result.skipped,
      architectureFile: result.architectureFile,
      durationMs: performance.now() - started,
      stats,
    };
  }

  /** Drops the sessions of a folder (every architecture file it was analysed with). */
  forget(root: string): void {
    for (const key of [...this.byKey.keys()]) if (key.split('\n')[0] === root) this.byKey.delete(key);
  }
}

// --- worker thread -----------------------------------------------------------

export const WORKER_ROLE = 'distributed-patterns-engine';

type ToWorker = { type: 'analyze'; id: number; request: AnalysisRequest } | { type: 'forget'; root: string };
type FromWorker =
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'log'; message: string }
  | { type: 'result'; id: number; output: AnalysisOutput }
  | { type: 'error'; id: number; message: string };

interface Pending {
  resolve(output: AnalysisOutput): void;
  reject(error: Error): void;
  onProgress?(done: number, total: number): void;
  timer: NodeJS.Timeout;
}

/** Worker failures in a row (without a result between them) after which the engine runs in process. */
const MAX_WORKER_FAILURES = 3;

class WorkerEngine implements AnalysisEngine {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private disposed = false;
  private failures = 0;
  private fallback: InProcessEngine | undefined;
  /** Shared with the worker: requests with an id up to this value are cancelled. */
  private readonly cancelled = new Int32Array(new SharedArrayBuffer(4));

  constructor(private readonly script: string, private readonly log: (m: string) => void, private readonly timeoutMs: number) {}

  analyze(request: AnalysisRequest, onProgress?: (done: number, total: number) => void): Promise<AnalysisOutput> {
    if (this.disposed) return Promise.reject(new Error('the analysis engine has been shut down'));
    if (this.fallback) return this.fallback.analyze(request, onProgress);
    const worker = this.ensureWorker();
    const id = this.nextId++;
    return new Promise<AnalysisOutput>((resolve, reject) => {
      const timer = setTimeout(() => {
        // A hung analysis (a pathological file) must not stop every later one: restart the worker.
        this.fail(worker, `analysis of ${request.root} took longer than ${Math.round(this.timeoutMs / 1000)} s; restarting the analysis worker`);
        void worker.terminate();
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, onProgress, timer });
      worker.postMessage({ type: 'analyze', id, request } satisfies ToWorker);
    });
  }

  cancelRunning(): void {
    if (this.fallback) return;
    const ids = [...this.pending.keys()];
    if (ids.length) Atomics.store(this.cancelled, 0, Math.max(...ids));
  }
  forget(root: string): void {
    if (this.fallback) this.fallback.forget(root);
    else this.worker?.postMessage({ type: 'forget', root } satisfies ToWorker);
  }


  async dispose(): Promise<void> {
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { role: WORKER_ROLE, cancel: this.cancelled.buffer }, execArgv: [], stdout: true, stderr: true });
    worker.stdout.on('data', (chunk: Buffer) => this.log(chunk.toString().trimEnd()));
    worker.stderr.on('data', (chunk: Buffer) => this.log(chunk.toString().trimEnd()));
    worker.on('message', (message: FromWorker) => this.onMessage(message));
    worker.on('error', (error) => this.fail(worker, `analysis worker failed: ${error.stack ?? error.message}`));
    worker.on('exit', (code) => this.fail(worker, `analysis worker exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private onMessage(message: FromWorker): void {
    if (message.type === 'log') {
      this.log(message.message);
      return;
    }
    const pending = this.pending.get(message.id);
    if (!pending) return;
    if (message.type === 'progress') {
      pending.onProgress?.(message.done, message.total);
      return;
    }
    this.pending.delete(message.id);
    clearTimeout(pending.timer);
    this.failures = 0;
    if (message.type === 'result') pending.resolve(message.output);
    else pending.reject(new Error(message.message));
  }

  /** The worker died: fail what it was doing; the next request starts a fresh one. */
  private fail(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (!this.disposed) this.log(reason);
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error(reason));
    }
    this.pending.clear();
    if (!this.disposed && ++this.failures >= MAX_WORKER_FAILURES) {
      this.log(`the analysis worker failed ${this.failures} times in a row; analysing in the server process from now on`);
      this.fallback = new InProcessEngine(this.log);
    }
  }
}

/** Body of the worker thread: answers `analyze` messages one at a time. */
export function runEngineWorker(port: import('node:worker_threads').MessagePort, cancelBuffer?: SharedArrayBuffer): void {
  const post = (message: FromWorker) => port.postMessage(message);
  const sessions = new Sessions();
  const cancelled = cancelBuffer ? new Int32Array(cancelBuffer) : undefined;
  port.on('message', (message: ToWorker) => {
    if (message.type === 'forget') {
      sessions.forget(message.root);
      return;
    }
    const { id, request } = message;
    let lastProgress = 0;
    try {
      const output = sessions.run(
        request,
        (line) => post({ type: 'log', message: line }),
        (done, total) => {
          const now = Date.now();
          if (done === total || now - lastProgress > 100) {
            lastProgress = now;
            post({ type: 'progress', id, done, total });
          }
        },
        cancelled ? () => Atomics.load(cancelled, 0) >= id : undefined,
      );
      post({ type: 'result', id, output });
    } catch (error) {
      const message = error instanceof CancelledError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
      post({ type: 'error', id, message });
    }
  });
}

// --- which files the analysis covers --------------------------------------------

const isSourceGlob = picomatch(SOURCE_GLOB, { dot: false });
const isIgnored = picomatch([...IGNORED_DIRS, '**/*.d.ts', '**/*.min.js', '**/*.bundle.js'], { dot: true });

/** True when a whole-folder analysis of `root` reads `rel` (root-relative, forward slashes) as source. */
export function isAnalysedSource(rel: string): boolean {
  return rel !== '' && !rel.startsWith('../') && isSourceGlob(rel) && !isIgnored(rel);
}
