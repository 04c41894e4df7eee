/**
 * The commander program. Built fresh for every run (no global state) and
 * configured never to call process.exit: errors surface as CommanderError so
 * runCli can map them to exit codes. Subcommands live in ./commands; a new
 * one is a `registerXCommand(program, context)` call here.
 */
import { Command } from 'commander';
import { registerCheckCommand } from './commands/check';
import { registerInitCommand } from './commands/init';
import { registerModelCommand } from './commands/model';
import { registerReportCommand } from './commands/report';
import { CLI_NAME, type CliContext } from './context';
import { TOOL_VERSION } from './version';

export const HELP_HINT = `Run "${CLI_NAME} --help" for usage.`;

export function createProgram(context: CliContext): Command {
  const program = new Command(CLI_NAME);
  // Settings that subcommands inherit must be set before they are added.
  program
    .exitOverride()
    .configureOutput({
      writeOut: (s) => context.io.stdout(s),
      writeErr: (s) => context.io.stderr(s),
    })
    .showHelpAfterError(HELP_HINT)
    .description('Reviews message-driven Node services for distributed-systems mistakes.')
    .version(TOOL_VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .addHelpText(
      'after',
      `
Examples:
  $ ${CLI_NAME} check
  $ ${CLI_NAME} check services/orders --format sarif --output-file results.sarif
  $ dpat check --baseline dpat-baseline.json

Run "${CLI_NAME} <command> --help" for a command's options.
`,
    );

  registerCheckCommand(program, context);
  registerReportCommand(program, context);
  registerModelCommand(program, context);
  registerInitCommand(program, context);
  return program;
}
