/**
 * `distributed-patterns model [paths...] --format json|yaml|mermaid`: print
 * the system as the engine sees it (deployable services, infrastructure,
 * datastores and their users, channels with producers and consumers,
 * synchronous calls, external APIs), each entry with evidence locations.
 */
import { Command, Option } from 'commander';
import { stringify } from 'yaml';
import { resolveExistingFile, resolveTarget } from '../args';
import { CLI_NAME, type CliContext } from '../context';
import { withUsageErrors } from '../errors';
import { EXIT_OK, EXIT_USAGE } from '../exitCode';
import { loadEngine } from '../engine';
import type { SystemDescription } from '../../engine/system/describe';
import { mapFromDescription } from '../../report/map/graph';
import { renderMermaid as renderMapMermaid } from '../../report/map/mermaid';

export const MODEL_FORMATS = ['json', 'yaml', 'mermaid'] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

export interface ModelCommandOptions {
  format: ModelFormat;
  architecture?: string;
  root?: string;
  includeTests?: boolean;
  verbose?: boolean;
}

const EXAMPLES = `
Examples:
  $ ${CLI_NAME} model                         the current directory, as JSON
  $ ${CLI_NAME} model services --format yaml  one folder (it becomes the root)
  $ ${CLI_NAME} model --format mermaid > system.mmd

The JSON shape: { services: [{ name, root, kind, inferred, evidence }], infrastructure: [{ name, kind, evidence }],
datastores: [{ id, kind, identity, usedBy, owner, evidence }], channels: [{ name, transport, producers,
consumers, evidence }], syncCalls: [{ from, to, evidence }], externalApis: [{ name, evidence }] };
every evidence is [{ file, line }] with files relative to the root.

Exit codes:
  0  the model was printed
  2  usage error or internal error
`;

export function registerModelCommand(program: Command, context: CliContext): Command {
  return program
    .command('model')
    .description('print the system model: services, infrastructure, datastores, channels, calls and external APIs, with evidence')
    .argument('[paths...]', 'the workspace folder (default: the current directory)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...MODEL_FORMATS]).default('json'))
    .option('--architecture <file>', 'architecture file (default: architecture.yaml or .yml at the root)')
    .option('--root <dir>', 'workspace root (default: the current directory, or the single folder given)')
    .option('--include-tests', 'also analyse tests, benchmarks, fixtures, scripts, examples and generated code')
    .option('--verbose', 'print engine log messages on stderr')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError(`Run "${CLI_NAME} model --help" for usage.`)
    .action((paths: string[], options: ModelCommandOptions, command: Command) =>
      withUsageErrors(command, async () => context.setExitCode(await runModel(paths, options, context))),
    );
}

export async function runModel(paths: string[], options: ModelCommandOptions, context: CliContext): Promise<number> {
  const { io } = context;
  const target = resolveTarget(io.cwd, paths, options.root);
  const architectureFile = options.architecture !== undefined ? resolveExistingFile(io.cwd, options.architecture, '--architecture') : undefined;
  let model: SystemDescription;
  try {
    model = loadEngine().describeWorkspace({
      root: target.root,
      architectureFile,
      includeTests: options.includeTests === true,
      log: options.verbose ? (message) => io.stderr(`${message}\n`) : undefined,
    });
  } catch (error) {
    io.stderr(`error: model failed: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT_USAGE;
  }
  io.stdout(renderModel(model, options.format));
  return EXIT_OK;
}

export function renderModel(model: SystemDescription, format: ModelFormat): string {
  if (format === 'yaml') return stringify(model, { lineWidth: 0 });
  if (format === 'mermaid') return renderMermaid(model);
  return `${JSON.stringify(model, null, 2)}\n`;
}

/**
 * The report's service map drawn from the model alone: services, infrastructure, external APIs and
 * datastores grouped by kind, one edge per service pair with its channels and calls listed.
 */
export function renderMermaid(model: SystemDescription): string {
  return `${renderMapMermaid(mapFromDescription(model, 'system model'))}\n`;
}
