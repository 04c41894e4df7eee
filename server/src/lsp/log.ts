/** Logging to the editor's output channel (the connection console). */
import type { RemoteConsole } from 'vscode-languageserver/node';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** Only shown when `distributedPatterns.trace.server` is `verbose` in some folder. */
  verbose(message: string): void;
  setVerbose(on: boolean): void;
}

export function createLogger(console: RemoteConsole): Logger {
  let verbose = false;
  const stamp = () => new Date().toISOString().slice(11, 23);
  return {
    info: (m) => console.info(`[${stamp()}] ${m}`),
    warn: (m) => console.warn(`[${stamp()}] ${m}`),
    error: (m) => console.error(`[${stamp()}] ${m}`),
    verbose: (m) => {
      if (verbose) console.log(`[${stamp()}] ${m}`);
    },
    setVerbose: (on) => {
      verbose = on;
    },
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
