/**
 * Which source files are production code. Tests, specs, e2e apps, benchmarks, fixtures, mocks,
 * stories, scripts, examples/samples/demos and generated code are not services: they drive
 * production flows with fakes or run once by hand, so the flows they start would be reported at
 * lines nobody deploys. They are left out of the analysis by default, like ESLint's ignores; the
 * architecture file's `include` brings paths back, its `ignores` leaves more out, and
 * `includeTests` (CLI `--include-tests`, editor setting) analyses non-production code too.
 */
import picomatch from 'picomatch';

export type OutOfScopeKind = 'test' | 'benchmark' | 'fixture' | 'script' | 'example' | 'generated' | 'ignored';

export interface ScopeOptions {
  /** Analyse tests, benchmarks, fixtures, scripts, examples and generated code as well. */
  includeTests?: boolean;
  /** Globs (workspace-relative) left out in addition to the defaults. */
  ignores?: string[];
  /** Globs (workspace-relative) analysed even when a default would leave them out. */
  include?: string[];
  /** Package folders (workspace-relative) that hold an end-to-end test suite (see `isEndToEndTestPackage`). */
  testPackages?: string[];
  /**
   * The `bin/` programs something starts, as `<folder>|<name>`: a package.json script, `bin` or
   * `main`, a Dockerfile or a Procfile in `<folder>` names `bin/<name>` (see `startedBinNames`).
   * Any other file in a `bin/` folder is a hand-run script.
   */
  startedBin?: string[];
}

export interface Scope {
  /** Why a workspace-relative source file is not production code, or undefined when it is. */
  outOfScope(rel: string): OutOfScopeKind | undefined;
  /** What decides the scope, for cache signatures. */
  readonly signature: string;
}

/** Folder names, matched against each folder of a path, and the kind of code they hold. */
const DIRECTORY_KINDS: [RegExp, OutOfScopeKind][] = [
  [/^(fixtures?|__fixtures__|testdata|test-data|stubs?|stories|storybook|\.storybook)$/i, 'fixture'],
  [/^(tests?|__tests?__|specs?|e2e|__e2e__|[\w.-]+-e2e|e2e-[\w.-]+|[\w.-]+-tests?|tests?-[\w.-]+|integration-tests?|test-?utils|test-?helpers|test-?apps?|testing|__mocks__|mocks?|cypress|playwright)$/i, 'test'],
  [/^(bench|benchmarks?|[\w.-]+-bench(marks?)?|perf-tests?|load-tests?|k6)$/i, 'benchmark'],
  // An operator's command-line package (`admin-cli`, `ops-cli`) runs by hand, like a script; a bare `cli` may be the product's server.
  // A migration runs once per deploy (by an operator or a start-up step), like a seed: no service flow.
  [/^(scripts?|seeds?|seeders?|migrations?|[\w.-]+-cli)$/i, 'script'],
  // A spike or proof of concept is throwaway code that tries a library out (`spikes/kafka/index.js` talking to localhost).
  [/^(examples?|samples?|demos?|playground|spikes?|pocs?|[\w.-]+-(examples?|samples?|demos?)|(examples?|samples?|demos?)-[\w.-]+)$/i, 'example'],
  [/^(generated|__generated__|gen)$/i, 'generated'],
];

/** File names of test, benchmark, story and generated code. */
const FILE_KINDS: [RegExp, OutOfScopeKind][] = [
  [/\.(spec|test|e2e-spec|e2e|int-spec|integration|it|unit|steps|(server|client|browser|node|api|unit|component|integration)-?(test|spec))\.[cm]?[jt]sx?$/i, 'test'],
  [/^(jest|vitest|playwright|cypress|karma|wdio)\.[\w.-]*config\.[cm]?[jt]s$/i, 'test'],
  [/\.(bench|benchmark|perf)\.[cm]?[jt]sx?$/i, 'benchmark'],
  [/\.(stories|story|fixture|fixtures|mock|mocks)\.[cm]?[jt]sx?$/i, 'fixture'],
  [/\.(generated|gen|pb)\.[cm]?[jt]sx?$|_pb\.[cm]?[jt]s$/i, 'generated'],
];

export function defaultKind(rel: string): OutOfScopeKind | undefined {
  const parts = rel.split('/');
  const name = parts.pop() ?? '';
  for (const [pattern, kind] of FILE_KINDS) if (pattern.test(name)) return kind;
  for (const part of parts) {
    for (const [pattern, kind] of DIRECTORY_KINDS) if (pattern.test(part)) return kind;
  }
  return undefined;
}

/** Runners of end-to-end suites: a package that needs one at run time exists to drive the product. */
const E2E_RUNNERS = new Set(['cypress', '@playwright/test', 'playwright', 'webdriverio', 'nightwatch', 'testcafe', '@wdio/cli']);

/**
 * A package whose runtime `dependencies` (not `devDependencies`: an app keeps its own e2e runner
 * there) include an end-to-end runner, and that starts nothing (no `bin`, no `start`/`serve`
 * script): a system-test suite (`fc-system-testing` with `cypress` and its plugins), whose broker
 * and database helpers seed and inspect the product under test.
 */
export function isEndToEndTestPackage(manifest: unknown): boolean {
  if (!manifest || typeof manifest !== 'object') return false;
  const m = manifest as { dependencies?: Record<string, unknown>; scripts?: Record<string, unknown>; bin?: unknown };
  if (m.bin !== undefined || Object.keys(m.scripts ?? {}).some((s) => /^(start|serve)(:|$)/.test(s))) return false;
  return Object.keys(m.dependencies ?? {}).some((d) => E2E_RUNNERS.has(d));
}

/**
 * The `bin/` program names a package.json, Dockerfile or Procfile text starts (`node bin/cli api`,
 * `"bin": { "dpat": "dist/bin/cli.js" }`, `ts-node bin/backfill.ts`), without extension.
 */
export function startedBinNames(text: string): string[] {
  return [...text.matchAll(/(?:^|[^\w-])bin\/([\w.-]+)/g)].map((m) => m[1].replace(/\.[cm]?[jt]sx?$/, ''));
}

/** A file in a `bin/` folder that nothing of the package (or a folder above it) starts: a hand-run script. */
function unstartedBin(rel: string, started: Set<string>): boolean {
  const parts = rel.split('/');
  const at = parts.lastIndexOf('bin', parts.length - 2);
  // Under `src/`, a `bin` folder is a domain module (a recycle bin), not programs.
  if (at < 0 || parts.slice(0, at).includes('src')) return false;
  const name = parts[parts.length - 1].replace(/\.[cm]?[jt]sx?$/, '');
  for (let i = at; i >= 0; i--) {
    if (started.has(`${parts.slice(0, i).join('/') || '.'}|${name}`)) return false;
  }
  return true;
}

export function createScope(options: ScopeOptions = {}): Scope {
  const globs = (list: string[] | undefined) => (list ?? []).map((g) => g.replace(/^\.\//, '')).filter(Boolean)
    // A folder (`apps/tools`) means everything under it, as in ESLint's ignores.
    .flatMap((g) => (/[*?{[]/.test(g) ? [g] : [g.replace(/\/$/, ''), `${g.replace(/\/$/, '')}/**`]));
  const ignores = globs(options.ignores);
  const include = globs(options.include);
  const ignored = ignores.length ? picomatch(ignores, { dot: true }) : () => false;
  const included = include.length ? picomatch(include, { dot: true }) : () => false;
  const testPackages = (options.testPackages ?? []).map((d) => `${d.replace(/\/$/, '')}/`);
  const started = new Set(options.startedBin ?? []);
  return {
    signature: JSON.stringify({ includeTests: !!options.includeTests, ignores, include, testPackages, started: [...started].sort() }),
    outOfScope(rel) {
      if (ignored(rel)) return 'ignored';
      if (options.includeTests || included(rel)) return undefined;
      return defaultKind(rel) ?? (testPackages.some((d) => rel.startsWith(d)) ? 'test' : unstartedBin(rel, started) ? 'script' : undefined);
    },
  };
}
