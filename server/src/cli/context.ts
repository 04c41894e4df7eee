/**
 * What the CLI needs from the outside world, injected so tests can run the
 * whole CLI in-process with a fake engine and captured output.
 */
import type { AnalyzeOptions, AnalysisResult } from '../engine/api';

export interface CliIO {
  /** Raw writes: the CLI adds its own newlines. */
  stdout(s: string): void;
  stderr(s: string): void;
  cwd: string;
  /** stdout is an interactive terminal: stylish output gets colours. */
  isTTY: boolean;
  /** stderr is an interactive terminal: the progress line is shown. Defaults to `isTTY`. */
  stderrIsTTY?: boolean;
}

export interface CliDeps {
  analyze(options: AnalyzeOptions): Promise<AnalysisResult>;
  /** Clock for the progress line's delay; defaults to Date.now. */
  now?: () => number;
}

export interface CliContext {
  io: CliIO;
  deps: CliDeps;
  /** Records the exit code of the command that ran. */
  setExitCode(code: number): void;
}

export const CLI_NAME = 'distributed-patterns';
