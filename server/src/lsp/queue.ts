/**
 * Schedules analyses: debounced per folder, one analysis at a time over all
 * folders, and requests that arrive while a folder is being analysed
 * coalesce into one follow-up run.
 */

export type RunReason = 'startup' | 'edit' | 'open' | 'close' | 'save' | 'config' | 'files' | 'settings';

export class AnalysisQueue {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly reasons = new Map<string, Set<RunReason>>();
  private readonly ready: string[] = [];
  private running: string | undefined;
  private disposed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly run: (folder: string, reasons: ReadonlySet<RunReason>) => Promise<void>,
    private readonly onError: (folder: string, error: unknown) => void,
    /** A request arrived for the folder being analysed: its run is stale. */
    private readonly onStale: (folder: string) => void = () => undefined,
  ) {}

  /** Asks for an analysis of `folder` after `delayMs` without further requests for it. */
  schedule(folder: string, reason: RunReason, delayMs: number): void {
    if (this.disposed) return;
    const reasons = this.reasons.get(folder) ?? new Set<RunReason>();
    reasons.add(reason);
    this.reasons.set(folder, reasons);
    clearTimeout(this.timers.get(folder));
    if (this.running === folder && reason === 'edit') this.onStale(folder);
    this.timers.set(folder, setTimeout(() => {
      this.timers.delete(folder);
      if (!this.ready.includes(folder)) this.ready.push(folder);
      this.pump();
    }, delayMs));
  }

  /** Forgets pending work for a folder (it was removed or disabled). */
  cancel(folder: string): void {
    clearTimeout(this.timers.get(folder));
    this.timers.delete(folder);
    this.reasons.delete(folder);
    const i = this.ready.indexOf(folder);
    if (i >= 0) this.ready.splice(i, 1);
    this.notifyIdle();
  }

  isBusy(): boolean {
    return this.running !== undefined || this.ready.length > 0 || this.timers.size > 0;
  }

  /** True when more runs are waiting (besides the one running). */
  hasPending(): boolean {
    return this.ready.length > 0 || this.timers.size > 0;
  }

  /** Resolves when nothing is scheduled or running. */
  idle(): Promise<void> {
    if (!this.isBusy()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    this.ready.length = 0;
    this.notifyIdle();
  }

  private pump(): void {
    if (this.running !== undefined || this.disposed) return;
    const folder = this.ready.shift();
    if (folder === undefined) {
      this.notifyIdle();
      return;
    }
    const reasons = this.reasons.get(folder) ?? new Set<RunReason>();
    this.reasons.delete(folder);
    this.running = folder;
    this.run(folder, reasons)
      .catch((error: unknown) => this.onError(folder, error))
      .finally(() => {
        this.running = undefined;
        this.pump();
      });
  }

  private notifyIdle(): void {
    if (this.isBusy()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
