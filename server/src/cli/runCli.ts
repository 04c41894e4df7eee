/**
 * The whole CLI as a function: arguments and injected I/O in, exit code out.
 * `main.ts` wires it to the real process; tests call it directly.
 */
import { CommanderError } from 'commander';
import { loadEngine } from './engine';
import type { CliDeps, CliIO } from './context';
import { UsageError } from './errors';
import { EXIT_OK, EXIT_USAGE } from './exitCode';
import { HELP_HINT, createProgram } from './program';

export type { CliDeps, CliIO } from './context';

export async function runCli(argv: string[], io: CliIO, deps: CliDeps = { analyze: (options) => loadEngine().analyze(options) }): Promise<number> {
  let exitCode = EXIT_OK;
  const program = createProgram({ io, deps, setExitCode: (code) => (exitCode = code) });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander already printed the message and the command's --help hint to stderr
      // (UsageErrors from actions are routed through it too, see withUsageErrors).
      return error.code === 'commander.helpDisplayed' || error.code === 'commander.version' ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof UsageError) {
      io.stderr(`error: ${error.message}\n${HELP_HINT}\n`);
      return EXIT_USAGE;
    }
    io.stderr(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_USAGE;
  }
  return exitCode;
}
