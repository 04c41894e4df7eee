/**
 * `Analyzing n/total files…` on stderr: one line, rewritten in place, cleared
 * at the end. Only on an interactive stderr and only once the run has taken
 * longer than `delayMs`, so quick runs and CI logs stay clean.
 */
export interface ProgressOptions {
  write(s: string): void;
  enabled: boolean;
  delayMs?: number;
  /** Minimum time between two redraws. */
  intervalMs?: number;
  now?: () => number;
}

export interface Progress {
  update(done: number, total: number): void;
  /** Clears the line if anything was drawn. Safe to call more than once. */
  done(): void;
}

const CLEAR_LINE = '\r\u001b[2K';

export function createProgress(options: ProgressOptions): Progress {
  const now = options.now ?? Date.now;
  const delayMs = options.delayMs ?? 1000;
  const intervalMs = options.intervalMs ?? 100;
  const startedAt = now();
  let drawn = false;
  let lastDrawAt = -Infinity;
  let lastText = '';

  return {
    update(done, total) {
      if (!options.enabled) return;
      const at = now();
      if (at - startedAt < delayMs) return;
      if (at - lastDrawAt < intervalMs && done !== total) return;
      const text = `Analyzing ${done}/${total} files…`;
      if (text === lastText) return;
      options.write(`${CLEAR_LINE}${text}`);
      drawn = true;
      lastDrawAt = at;
      lastText = text;
    },
    done() {
      if (drawn) options.write(CLEAR_LINE);
      drawn = false;
      lastText = '';
    },
  };
}
