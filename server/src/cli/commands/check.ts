/**
 * `distributed-patterns check [paths...]`: run the engine, apply or update
 * the baseline, print a report, and decide the exit code.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, Option } from 'commander';
import { parseMaxWarnings, parsePositive, resolveExistingFile, resolveTarget } from '../args';
import { MAX_SOURCE_FILES } from '../../engine/workspace/files';
import { applyBaseline, createBaseline, readBaseline, writeBaseline } from '../baseline';
import { escapeControls } from '../ansi';
import { CLI_NAME, type CliContext } from '../context';
import { UsageError, withUsageErrors } from '../errors';
import { EXIT_OK, EXIT_USAGE, exitCodeFor } from '../exitCode';
import { FORMAT_NAMES, formatters, type FormatName, type ReportInput } from '../formatters';
import { createProgress } from '../progress';
import { TOOL_VERSION } from '../version';
import { DEFAULT_CACHE_FILE, analyzeWithCache, engineBuildId } from '../../engine/cache/resultCache';

export interface CheckOptions {
  format: FormatName;
  architecture?: string;
  maxWarnings?: number;
  maxSkipped?: number;
  maxFiles?: number;
  baseline?: string;
  updateBaseline?: boolean;
  outputFile?: string;
  root?: string;
  color?: boolean;
  verbose?: boolean;
  cache?: boolean;
  cacheLocation?: string;
  includeTests?: boolean;
}

const EXAMPLES = `
Examples:
  $ ${CLI_NAME} check                        check the current directory
  $ ${CLI_NAME} check services/orders        check one folder (it becomes the root)
  $ ${CLI_NAME} check --format sarif --output-file results.sarif
  $ ${CLI_NAME} check --baseline dpat-baseline.json --update-baseline
  $ ${CLI_NAME} check --baseline dpat-baseline.json --max-warnings 0
  $ ${CLI_NAME} check --cache                re-use the last results while no input changed
  $ ${CLI_NAME} check --max-skipped 0        fail unless every file was analysed

Files not analysed (binary, too large, nested too deeply, failed) and rules that
failed are listed on stderr and in every format; they do not change the exit
code unless --max-skipped is given.

Exit codes:
  0  no failing findings
  1  a finding at error severity, or more warnings than --max-warnings
  2  usage error (bad option, missing path or baseline) or internal error, or an
     incomplete analysis: more files not analysed than --max-skipped, or (with
     --max-skipped) a rule that failed
`;

export function registerCheckCommand(program: Command, context: CliContext): Command {
  return program
    .command('check')
    .description('analyze a workspace for distributed-systems mistakes and report findings')
    .argument('[paths...]', 'files or folders to report on (default: the whole root)')
    .addOption(new Option('-f, --format <format>', 'output format').choices([...FORMAT_NAMES]).default('stylish'))
    .option('--architecture <file>', 'architecture file (default: architecture.yaml or .yml at the root)')
    .option('--max-warnings <n>', 'fail when there are more than n warnings', parseMaxWarnings)
    .option('--max-files <n>', `analyse at most n source files, the first in path order (default: ${MAX_SOURCE_FILES})`, parsePositive)
    .option('--max-skipped <n>', 'exit 2 when more than n files were not analysed, or a rule failed (-1: no limit, the default)', parseMaxWarnings)
    .option('--baseline <file>', 'known findings (JSON) that are reported as suppressed instead of failing the run')
    .option('--update-baseline', 'write all current findings to the --baseline file and exit 0')
    .option('-o, --output-file <file>', 'write the report to a file instead of stdout')
    .option('--root <dir>', 'workspace root (default: the current directory, or the single folder given)')
    .option('--include-tests', 'also analyse tests, benchmarks, fixtures, scripts, examples and generated code (default: production code only)')
    .option('--color', 'force colours in stylish output')
    .option('--no-color', 'disable colours')
    .option('--verbose', 'print engine log messages on stderr')
    .option('--cache', `reuse the previous results when no input file changed (content hashes in ${DEFAULT_CACHE_FILE})`)
    .option('--cache-location <file>', `cache file or folder (default: ${DEFAULT_CACHE_FILE} in the current directory); implies --cache`)
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError(`Run "${CLI_NAME} check --help" for usage.`)
    .action((paths: string[], options: CheckOptions, command: Command) =>
      withUsageErrors(command, async () => context.setExitCode(await runCheck(paths, options, context))),
    );
}

function displayName(cwd: string, file: string): string {
  return path.relative(cwd, file).split(path.sep).join('/') || '.';
}

export async function runCheck(paths: string[], options: CheckOptions, context: CliContext): Promise<number> {
  const { io, deps } = context;
  const target = resolveTarget(io.cwd, paths, options.root);
  const architectureFile =
    options.architecture !== undefined ? resolveExistingFile(io.cwd, options.architecture, '--architecture') : undefined;
  if (options.updateBaseline && options.baseline === undefined) {
    throw new UsageError('--update-baseline needs --baseline <file>');
  }
  const baselineFile = options.baseline !== undefined ? path.resolve(io.cwd, options.baseline) : undefined;
  // Read the baseline before the (slow) analysis so a typo fails fast.
  const baselineEntries =
    baselineFile && !options.updateBaseline ? readBaseline(baselineFile, displayName(io.cwd, baselineFile)) : undefined;

  const progress = createProgress({ write: io.stderr, enabled: io.stderrIsTTY ?? io.isTTY, now: deps.now });
  let result;
  try {
    const analyzeOptions = {
      root: target.root,
      paths: target.paths,
      architectureFile,
      includeTests: options.includeTests === true,
      maxFiles: options.maxFiles,
      onProgress: (done: number, total: number) => progress.update(done, total),
      log: options.verbose ? (message: string) => io.stderr(`${escapeControls(message)}\n`) : undefined,
    };
    if (options.cache || options.cacheLocation !== undefined) {
      const cached = await analyzeWithCache(analyzeOptions, {
        location: path.resolve(io.cwd, options.cacheLocation ?? DEFAULT_CACHE_FILE),
        engineVersion: engineBuildId(TOOL_VERSION),
        // Hits and misses only with --verbose; a cache file that cannot be used or written always.
        log: (message) => {
          if (options.verbose || /ignoring|cannot write/.test(message)) io.stderr(`${escapeControls(message)}\n`);
        },
      }, deps.analyze);
      result = cached.result;
    } else {
      result = await deps.analyze(analyzeOptions);
    }
  } catch (error) {
    progress.done();
    io.stderr(`error: analysis failed: ${(error as Error)?.message ?? String(error)}\n`);
    return EXIT_USAGE;
  }
  progress.done();

  let findings = result.findings;
  let unmatchedBaselineEntries = 0;
  if (baselineFile && options.updateBaseline) {
    const baseline = createBaseline(findings);
    writeBaseline(baselineFile, baseline);
    findings = applyBaseline(findings, baseline.entries).findings;
    const count = baseline.entries.length;
    io.stderr(`Baseline ${displayName(io.cwd, baselineFile)} updated: ${count} ${count === 1 ? 'entry' : 'entries'}.\n`);
  } else if (baselineEntries) {
    const applied = applyBaseline(findings, baselineEntries);
    findings = applied.findings;
    unmatchedBaselineEntries = applied.unmatched;
  }

  const input: ReportInput = {
    root: result.root,
    cwd: io.cwd,
    architectureFile: result.architectureFile,
    findings,
    rules: result.rules,
    filesAnalyzed: result.filesAnalyzed,
    skipped: result.skipped,
    outOfScope: result.outOfScope,
    notices: result.notices ?? [],
    unmatchedBaselineEntries,
  };
  reportIncomplete(io, input);
  const color = options.color ?? (io.isTTY && options.outputFile === undefined);
  const output = formatters[options.format](input, { color });

  if (options.outputFile !== undefined) {
    const outputFile = path.resolve(io.cwd, options.outputFile);
    try {
      fs.mkdirSync(path.dirname(outputFile), { recursive: true });
      fs.writeFileSync(outputFile, output);
    } catch (error) {
      throw new UsageError(`cannot write --output-file ${options.outputFile} (${(error as Error).message})`);
    }
  } else {
    io.stdout(output);
  }

  if (options.updateBaseline) return EXIT_OK;
  const incomplete = incompleteExit(input, options.maxSkipped);
  if (incomplete) {
    io.stderr(`error: ${incomplete} (--max-skipped ${options.maxSkipped})\n`);
    return EXIT_USAGE;
  }
  return exitCodeFor(findings, options.maxWarnings);
}

/** Files not analysed and notices, on stderr whatever the format: findings may be missing. */
function reportIncomplete(io: CheckContextIO, input: ReportInput): void {
  const { skipped } = input;
  if (skipped.length > 0) {
    const shown = [...skipped].sort((a, b) => (a.file < b.file ? -1 : 1)).slice(0, MAX_LISTED);
    io.stderr(`warning: ${skipped.length} file${skipped.length === 1 ? '' : 's'} not analyzed; findings in ${skipped.length === 1 ? 'it' : 'them'} are missing:\n`);
    for (const s of shown) io.stderr(`  ${s.file}: ${s.reason}\n`);
    if (skipped.length > shown.length) io.stderr(`  and ${skipped.length - shown.length} more (see the report)\n`);
  }
  for (const notice of input.notices ?? []) io.stderr(`warning: ${notice.message}\n`);
}

/** Why the run fails as incomplete under --max-skipped, or undefined. */
function incompleteExit(input: ReportInput, maxSkipped: number | undefined): string | undefined {
  if (maxSkipped === undefined || maxSkipped < 0) return undefined;
  if (input.skipped.length > maxSkipped) return `${input.skipped.length} file${input.skipped.length === 1 ? '' : 's'} not analyzed, more than allowed`;
  const failed = (input.notices ?? []).filter((n) => n.kind === 'rule-failed').length;
  if (failed > 0) return `${failed} rule${failed === 1 ? '' : 's'} failed: the analysis is incomplete`;
  return undefined;
}

const MAX_LISTED = 10;
type CheckContextIO = CliContext['io'];
