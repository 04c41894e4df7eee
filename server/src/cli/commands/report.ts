/**
 * `distributed-patterns report [paths...]`: write the review documents
 * (Markdown and an SVG service map) for the workspace. Files a person wrote
 * at the target paths are skipped with a warning (exit 1) unless --force.
 */
import * as path from 'node:path';
import type { Command } from 'commander';
import { resolveExistingFile, resolveTarget } from '../args';
import { escapeControls } from '../ansi';
import { CLI_NAME, type CliContext } from '../context';
import { withUsageErrors } from '../errors';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE } from '../exitCode';
import { DEFAULT_OUT_DIR } from '../../report/outDir';
import { loadEngine } from '../engine';

export interface ReportCommandOptions {
  out?: string;
  architecture?: string;
  root?: string;
  force?: boolean;
  includeTests?: boolean;
  verbose?: boolean;
}

const EXAMPLES = `
Examples:
  $ ${CLI_NAME} report                          write ${DEFAULT_OUT_DIR}/ for the current directory
  $ ${CLI_NAME} report examples/checkout        one folder (it becomes the root)
  $ ${CLI_NAME} report --out review/2024-q3 --force

Documents: README.md (index), service-map.md + service-map.svg, contracts.md,
consistency-note.md, decisions.md, failure-modes.md, findings.md, open-questions.md.
Every generated file starts with a marker line; a file without it is never overwritten
unless --force is given.

Exit codes:
  0  all documents written (or unchanged)
  1  a file at a target path was written by a person and was skipped
  2  usage error or internal error
`;

export function registerReportCommand(program: Command, context: CliContext): Command {
  return program
    .command('report')
    .description('write the design-review documents (service map, contracts, consistency, failure modes, findings, open questions)')
    .argument('[paths...]', 'files or folders the findings document covers (default: the whole root)')
    .option('--out <dir>', `output folder (default: ${DEFAULT_OUT_DIR} in the root)`)
    .option('--architecture <file>', 'architecture file (default: architecture.yaml or .yml at the root)')
    .option('--root <dir>', 'workspace root (default: the current directory, or the single folder given)')
    .option('--include-tests', 'also analyse tests, benchmarks, fixtures, scripts, examples and generated code')
    .option('--force', 'overwrite files at the target paths even if a person wrote them')
    .option('--verbose', 'print engine log messages on stderr')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError(`Run "${CLI_NAME} report --help" for usage.`)
    .action((paths: string[], options: ReportCommandOptions, command: Command) =>
      withUsageErrors(command, async () => context.setExitCode(await runReport(paths, options, context))),
    );
}

export async function runReport(paths: string[], options: ReportCommandOptions, context: CliContext): Promise<number> {
  const { io } = context;
  const target = resolveTarget(io.cwd, paths, options.root);
  const architectureFile =
    options.architecture !== undefined ? resolveExistingFile(io.cwd, options.architecture, '--architecture') : undefined;
  const outDir = options.out !== undefined ? path.resolve(io.cwd, options.out) : path.join(target.root, DEFAULT_OUT_DIR);
  const display = (file: string) => escapeControls(path.relative(io.cwd, file).split(path.sep).join('/') || '.');

  let result;
  try {
    result = await loadEngine().generateReport({
      root: target.root,
      outDir,
      architectureFile,
      includeTests: options.includeTests === true,
      paths: target.paths,
      force: options.force ?? false,
      log: options.verbose ? (message) => io.stderr(`${escapeControls(message)}\n`) : undefined,
    });
  } catch (error) {
    io.stderr(`error: report failed: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT_USAGE;
  }

  // Documents built without some source files (or rules) may miss what those hold.
  const { skipped, notices } = result.incomplete ?? { skipped: [] };
  for (const s of skipped) io.stderr(`warning: not analyzed: ${s.file}: ${s.reason}\n`);
  for (const n of notices ?? []) io.stderr(`warning: ${n.message}\n`);
  for (const file of result.files) {
    if (file.status === 'skipped') io.stderr(`warning: skipped ${display(file.path)}: ${escapeControls(file.reason ?? '')}\n`);
    else io.stdout(`${file.status === 'written' ? 'wrote    ' : 'unchanged'} ${display(file.path)}\n`);
  }
  const written = result.files.filter((f) => f.status === 'written').length;
  const unchanged = result.files.filter((f) => f.status === 'unchanged').length;
  io.stdout(`Review report in ${display(result.outDir)}: ${written} written, ${unchanged} unchanged${result.skipped.length ? `, ${result.skipped.length} skipped` : ''}. Open ${display(result.mainFile)}.\n`);
  return result.skipped.length ? EXIT_FINDINGS : EXIT_OK;
}
