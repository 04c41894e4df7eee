/**
 * A mistake in how the CLI was invoked (bad option value, missing path,
 * missing baseline). Reported as one line on stderr followed by the command's
 * `--help` hint, with exit code 2, never with a stack trace.
 */
import type { Command } from 'commander';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const USAGE_ERROR_CODE = 'distributed-patterns.usage';

/**
 * Runs a command's action and turns a UsageError into a commander error on
 * that command, so it is printed like commander's own errors (with the
 * command's `showHelpAfterError` hint) and surfaces as a CommanderError.
 */
export async function withUsageErrors(command: Command, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    if (error instanceof UsageError) command.error(`error: ${error.message}`, { exitCode: 2, code: USAGE_ERROR_CODE });
    throw error;
  }
}

/** What went wrong writing the report to stdout, in words. */
export function outputErrorMessage(error: NodeJS.ErrnoException): string {
  const why = error.code === 'EPIPE' ? 'the reading end of the pipe was closed (EPIPE)'
    : error.code === 'ENOSPC' ? 'no space left on the device (ENOSPC)'
      : `${error.message}${error.code && !error.message.includes(error.code) ? ` (${error.code})` : ''}`;
  return `could not write the output to stdout: ${why}; the report is incomplete`;
}
