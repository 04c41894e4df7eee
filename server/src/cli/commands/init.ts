/**
 * `distributed-patterns init [path]`: write an architecture.yaml drafted from the system model
 * (services with paths, datastores with owners, channels with producer and consumers), each
 * inferred entry marked for review in a comment. An existing architecture file is never
 * overwritten.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { resolveTarget } from '../args';
import { CLI_NAME, type CliContext } from '../context';
import { withUsageErrors } from '../errors';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exitCode';
import { loadEngine } from '../engine';

export interface InitCommandOptions {
  root?: string;
  includeTests?: boolean;
  verbose?: boolean;
}

const FILE_NAMES = ['architecture.yaml', 'architecture.yml'];

const EXAMPLES = `
Examples:
  $ ${CLI_NAME} init                 draft architecture.yaml for the current directory
  $ ${CLI_NAME} init services        draft it for one folder (it becomes the root)

Exit codes:
  0  architecture.yaml was written
  1  an architecture file already exists (it is left as it is)
  2  usage error or internal error
`;

export function registerInitCommand(program: Command, context: CliContext): Command {
  return program
    .command('init')
    .description('write an architecture.yaml drafted from the inferred system model, for the team to review')
    .argument('[paths...]', 'the workspace folder (default: the current directory)')
    .option('--root <dir>', 'workspace root (default: the current directory, or the single folder given)')
    .option('--include-tests', 'also analyse tests, benchmarks, fixtures, scripts, examples and generated code')
    .option('--verbose', 'print engine log messages on stderr')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError(`Run "${CLI_NAME} init --help" for usage.`)
    .action((paths: string[], options: InitCommandOptions, command: Command) =>
      withUsageErrors(command, async () => context.setExitCode(await runInit(paths, options, context))),
    );
}

export async function runInit(paths: string[], options: InitCommandOptions, context: CliContext): Promise<number> {
  const { io } = context;
  const target = resolveTarget(io.cwd, paths, options.root);
  const display = (file: string) => path.relative(io.cwd, file).split(path.sep).join('/') || '.';
  const existing = FILE_NAMES.map((n) => path.join(target.root, n)).find((f) => fs.existsSync(f));
  if (existing) {
    io.stderr(`warning: ${display(existing)} already exists; it was left as it is. Remove it first to draft a new one.\n`);
    return EXIT_FINDINGS;
  }
  const file = path.join(target.root, FILE_NAMES[0]);
  try {
    const engine = loadEngine();
    const model = engine.describeWorkspace({
      root: target.root,
      includeTests: options.includeTests === true,
      log: options.verbose ? (message) => io.stderr(`${message}\n`) : undefined,
    });
    // `wx`: fail rather than overwrite a file created meanwhile.
    fs.writeFileSync(file, engine.draftArchitecture(model, systemName(target.root)), { flag: 'wx' });
    io.stdout(`wrote ${display(file)}: ${model.services.length} services, ${model.datastores.length} datastores, ${model.channels.length} channels, inferred entries marked "inferred: review".\n`);
    return EXIT_OK;
  } catch (error) {
    io.stderr(`error: init failed: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT_USAGE;
  }
}

function systemName(root: string): string {
  try {
    const name = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).name;
    if (typeof name === 'string' && name) return name.replace(/^@[^/]+\//, '');
  } catch {
    // no manifest
  }
  return path.basename(root);
}
