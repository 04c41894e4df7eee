/**
 * An analysis of one workspace that stays alive between runs (the language
 * server keeps one per folder; the CLI runs one once).
 *
 * A run after an edit reparses only the files whose text changed and
 * recomputes facts only for the files the change can affect: the changed
 * files, the files that import them (transitively), and the files whose
 * answers came from a workspace index the change touches (construction
 * sites, implementations, call sites). Everything else (facts, resolved
 * types and call targets, transitive effects) is kept. The rules then run
 * over the whole system model, which is cheap once those are warm. A change
 * of configuration (architecture file, tsconfig paths, services, added or
 * removed files) recomputes all facts but keeps the parsed files.
 */
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Project, type ExportDeclaration, type ImportDeclaration, type Node, type SourceFile } from 'ts-morph';
import { typeOnly } from './system/imports';
import type { AnalysisResult, AnalyzeOptions, Notice } from './api';
import type { Finding, Location } from './types';
import { architectureSource, compilerOptionsFor, readArchitecture, type ArchitectureInput } from './config';
import { MAX_FILE_BYTES, MAX_SOURCE_FILES, findConfigFiles, listSourceFiles, readTextFile, toRel } from './workspace/files';
import { discoverLayout, type WorkspaceLayout } from './workspace/services';
import { DatastoreResolver } from './workspace/datastores';
import { serviceForUrl } from './workspace/serviceUrls';
import { createScope, type OutOfScopeKind, type Scope } from './system/scope';
import { Analysis } from './facts/analysis';
import { EffectIndex } from './facts/effects';
import { importedFiles, isGlobalScript } from './facts/imports';
import { LIBRARIES } from './facts/libraries';
import type { Fact } from './facts/facts';
import { RULES, RULE_IDS } from './rules';
import { compareFindings, runRule, severityFor } from './runRules';
import { decisionMatcher, locationOf, type SystemModel, type WorkspaceFile } from './model';
import { applyDirectives, parseDirectives, type Directive } from './suppressions';
import { preloadsOf, registrationIn, TracingIndex, type Registration } from './workspace/tracing';

export interface SessionRunOptions {
  /** Open editor buffers by absolute path; they override the disk. */
  overlays?: Map<string, string>;
  /** Re-read the file list and configuration from disk (always done on the first run). */
  rescan?: boolean;
  /** Build quick fixes: for every finding, or for findings in the files this accepts (root-relative). */
  withFixes?: boolean | ((rel: string) => boolean);
  /** Restrict reported findings to these files/folders (absolute or root-relative). */
  paths?: string[];
  onProgress?(done: number, total: number): void;
  /** Polled between files; when it returns true the run stops with a CancelledError and the next run resumes the work. */
  isCancelled?(): boolean;
}

export interface RunStats {
  /** Root-relative files parsed (again) by this run. */
  parsed: string[];
  /** Root-relative files whose facts this run computed (the others came from the previous run). */
  analysed: string[];
  /** True when configuration changed and every file's facts were recomputed. */
  full: boolean;
  /** Milliseconds spent bringing the project up to date, computing facts, and running the rules. */
  timings: { update: number; facts: number; rules: number };
}

const SOURCE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export class CancelledError extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

interface Config {
  input: ArchitectureInput;
  layout: WorkspaceLayout;
  datastores: DatastoreResolver;
  compilerOptions: ReturnType<typeof compilerOptionsFor>;
  /** Which source files are production code (the rest is not analysed). */
  scope: Scope;
  /** Configuration entries ignored (a tsconfig `paths` entry of the wrong type...). */
  notices: Notice[];
  /** What facts depend on besides source text; a change recomputes every file's facts. */
  signature: string;
  /** Modules each service preloads (`node --require`), read once per configuration. */
  preloads?: Map<string, ReturnType<typeof preloadsOf>>;
}

interface Entry {
  rel: string;
  sourceFile: SourceFile;
  /** Text on disk at the last rescan (undefined for a file that exists only as an open buffer). */
  disk: string | undefined;
  /** Text analysed (the open buffer, or the disk text). */
  text: string;
  /** The analysed text came from an open buffer (when it closes, the disk is read again). */
  fromOverlay?: boolean;
  /** Text the parser refused or the analysis could not handle (not retried until it changes). */
  unparsable?: string;
  /** Why that text is not analysed. */
  skipReason?: string;
  directives?: Directive[];
  /** The OpenTelemetry instrumentation the file registers (null: none). */
  registration?: Registration | null;
}

interface State {
  config: Config;
  project: Project;
  analysis: Analysis;
  effects: EffectIndex | undefined;
  /** The consumer handlers the effect index treats as separate flows. */
  handlers: Set<Node>;
  /** Files the last update invalidated (their handlers may have moved). */
  affected: Set<SourceFile>;
  /** Locations of nodes already reported (a changed file gets new nodes). */
  locations: WeakMap<Node, Location>;
  /** Globs listed since the last rescan (quick fixes look for migrations after every edit). */
  globs: Map<string, string[]>;
  files: Map<string, Entry>;
  listingSkipped: { file: string; reason: string }[];
  /** Source files left out as non-production code, by kind. */
  outOfScope: Partial<Record<OutOfScopeKind, number>>;
  /** The listing stopped at MAX_SOURCE_FILES: said in every result. */
  listingNotice: Notice | undefined;
  imports: Map<SourceFile, SourceFile[]>;
  importers: Map<SourceFile, Set<SourceFile>>;
  /** Non-source open buffers (config files) of the last run, to notice unsaved config edits. */
  configOverlays: string;
  /** Open buffers when the disk was last listed. */
  listedOverlays: Set<string>;
}

export class AnalysisSession {
  private state: State | undefined;
  readonly root: string;
  private readonly log: (message: string) => void;

  constructor(private readonly options: Pick<AnalyzeOptions, 'root' | 'architectureFile' | 'includeTests' | 'log' | 'maxFiles'>) {
    this.root = path.resolve(options.root);
    this.log = options.log ?? (() => undefined);
  }

  run(opts: SessionRunOptions = {}): { result: AnalysisResult; model: SystemModel; stats: RunStats } {
    const overlays = opts.overlays ?? new Map<string, string>();
    const stats: RunStats = { parsed: [], analysed: [], full: false, timings: { update: 0, facts: 0, rules: 0 } };
    const started = performance.now();
    let state = this.state;
    const configOverlays = overlaySignature(overlays, state);
    // Only the text is compared here: parsing and validating the file waits for a rescan.
    const architectureChanged = state !== undefined && architectureSource(this.root, { ...this.options, overlays })?.text !== state.config.input.text;
    // An open source file the last listing did not see (created since): list the disk again, once.
    const unseen = state !== undefined && [...overlays.keys()].some((abs) => !state!.files.has(abs) && !state!.listedOverlays.has(abs) && SOURCE_RE.test(abs));
    if (!state || opts.rescan || architectureChanged || unseen || configOverlays !== state.configOverlays) {
      state = this.rescan(overlays, stats);
      state.configOverlays = configOverlays;
      state.listedOverlays = new Set(overlays.keys());
    }
    this.update(state, overlays, stats);
    stats.timings.update = performance.now() - started;
    return this.analyse(state, opts, stats);
  }

  // ------------------------------------------------------------- inputs

  private readConfig(overlays: Map<string, string>): Config {
    const input = readArchitecture(this.root, { ...this.options, overlays });
    const layout = discoverLayout(this.root, input.architecture, overlays);
    const datastores = new DatastoreResolver(layout, input.architecture, this.root);
    const notices: Notice[] = [];
    const compilerOptions = compilerOptionsFor(this.root, overlays, notices);
    for (const n of notices) this.log(n.message);
    const scope = createScope({ includeTests: this.options.includeTests, ignores: input.architecture?.ignores, include: input.architecture?.include });
    const signature = createHash('sha1').update(JSON.stringify(
      { text: input.text, compilerOptions, services: layout.services, compose: layout.compose, rootEnv: layout.rootEnv, scope: scope.signature },
      (_key, value: unknown) => (value instanceof Map ? [...value] : value),
    )).digest('hex');
    return { input, layout, datastores, compilerOptions, scope, notices, signature };
  }

  /** Re-reads configuration and the file list; a different configuration starts from fresh facts. */
  private rescan(overlays: Map<string, string>, stats: RunStats): State {
    const config = this.readConfig(overlays);
    let state = this.state;
    if (!state || state.config.signature !== config.signature) {
      const project = state && JSON.stringify(state.config.compilerOptions) === JSON.stringify(config.compilerOptions)
        ? state.project
        : new Project({ useInMemoryFileSystem: true, skipLoadingLibFiles: true, compilerOptions: config.compilerOptions });
      const files = state && project === state.project ? state.files : new Map<string, Entry>();
      state = {
        config, project, analysis: this.newAnalysis(config), effects: undefined, handlers: new Set(), affected: new Set(), locations: new WeakMap(), globs: new Map(),
        files, listingSkipped: [], listingNotice: undefined, outOfScope: {}, imports: new Map(), importers: new Map(), configOverlays: '', listedOverlays: new Set(),
      };
      stats.full = true;
    } else {
      state.config = config;
    }
    state.globs.clear();
    const maxFiles = this.options.maxFiles ?? MAX_SOURCE_FILES;
    const listed = listSourceFiles(this.root, undefined, config.scope, maxFiles);
    state.listingSkipped = listed.skipped;
    state.outOfScope = listed.outOfScope;
    state.listingNotice = listed.overLimit === undefined ? undefined : {
      kind: 'configuration',
      message: `found ${listed.overLimit} source files under ${this.root}, more than the limit of ${maxFiles}: only the first ${maxFiles} in path order are analysed; check a project folder, pass --root, or raise --max-files`,
    };
    if (state.listingNotice) this.log(state.listingNotice.message);
    for (const s of listed.skipped) this.log(`skipped ${s.file}: ${s.reason}`);
    const onDisk = new Set<string>();
    for (const entry of listed.files) {
      onDisk.add(entry.abs);
      const known = state.files.get(entry.abs);
      if (known) known.disk = entry.text;
      else state.files.set(entry.abs, { rel: entry.rel, disk: entry.text, text: '', sourceFile: undefined as unknown as SourceFile });
    }
    for (const [abs, entry] of state.files) if (!onDisk.has(abs)) entry.disk = undefined;
    this.state = state;
    return state;
  }

  private newAnalysis(config: Config): Analysis {
    const { layout, input } = config;
    return new Analysis(LIBRARIES, {
      serviceForUrl: (text, file) => serviceForUrl(text, layout.serviceOf(toRel(this.root, file)), layout, input.architecture),
    });
  }

  /** Brings the project to the current texts, forgetting what the changes can affect. */
  private update(state: State, overlays: Map<string, string>, stats: RunStats): void {
    const changed: { abs: string; entry: Entry; text: string }[] = [];
    const added: { abs: string; entry: Entry; text: string }[] = [];
    const removed: string[] = [];
    let screenedOut = false;
    for (const [abs, entry] of state.files) {
      const overlay = overlays.get(abs);
      if (overlay === undefined && entry.fromOverlay) entry.disk = readDisk(abs) ?? entry.disk;
      entry.fromOverlay = overlay !== undefined;
      // Only files on disk are analysed (as before, an open buffer of a deleted file is not).
      const text = entry.disk === undefined ? undefined : overlay ?? entry.disk;
      if (text === undefined) removed.push(abs);
      else if (text === entry.unparsable) continue;
      else if (text.length > MAX_FILE_BYTES) {
        // An open buffer gets the disk's size budget: a 6 MB paste must not hold up every other file's analysis.
        const reason = `open buffer of ${(text.length / 1048576).toFixed(1)} MB, over the ${MAX_FILE_BYTES / 1048576} MB limit of analysed files`;
        if (entry.unparsable !== undefined) {
          entry.unparsable = text;
          entry.skipReason = reason;
        } else {
          this.drop(state, entry, text, reason);
          screenedOut = true;
        }
      }
      else if (!entry.sourceFile) added.push({ abs, entry, text });
      else if (text !== entry.text) changed.push({ abs, entry, text });
    }
    let structural = stats.full || added.length > 0 || removed.length > 0 ||
      changed.some((c) => isGlobalScript(c.entry.sourceFile));
    if (structural && !stats.full) {
      state.analysis = this.newAnalysis(state.config);
      state.effects = undefined;
      stats.full = true;
    } else if (changed.length) {
      const affected = this.affectedBy(state, changed.map((c) => c.entry.sourceFile), changed.map((c): [string, string] => [c.entry.text, c.text]));
      state.affected = affected;
      state.analysis.invalidate(affected);
      state.effects?.invalidate(affected);
      for (const entry of state.files.values()) {
        if (affected.has(entry.sourceFile)) entry.directives = undefined;
      }
    }
    for (const abs of removed) {
      const entry = state.files.get(abs)!;
      if (entry.sourceFile) state.project.removeSourceFile(entry.sourceFile);
      state.files.delete(abs);
    }
    for (const c of [...changed, ...added]) {
      try {
        // A new file is created without `overwrite`, which looks the path up first and throws internally when absent.
        c.entry.sourceFile = c.entry.sourceFile
          ? state.project.createSourceFile(c.abs, c.text, { overwrite: true })
          : state.project.createSourceFile(c.abs, c.text);
        c.entry.text = c.text;
        c.entry.directives = undefined;
        c.entry.registration = undefined;
        stats.parsed.push(c.entry.rel);
        c.entry.unparsable = undefined;
        c.entry.skipReason = undefined;
      } catch (error) {
        const message = (error as Error).message;
        const reason = error instanceof RangeError ? `could not be parsed: nested too deeply for the parser (${message})` : `could not be parsed (${message})`;
        this.drop(state, c.entry, c.text, reason);
        screenedOut = true;
        continue;
      }
      // Walked once here, before the compiler binds or checks anything: a tree too deep for it never enters the program.
      const tooDeep = state.analysis.screen(c.entry.sourceFile);
      if (tooDeep) {
        this.drop(state, c.entry, c.text, tooDeep);
        screenedOut = true;
      }
    }
    if (screenedOut && !structural) {
      // A file left the program: what other files import from it changed.
      state.analysis = this.newAnalysis(state.config);
      state.effects = undefined;
      stats.full = true;
      structural = true;
    }
    if (structural) {
      for (const entry of state.files.values()) entry.directives = undefined;
      state.imports.clear();
    }
    const rebuild = (structural ? [...state.files.values()].map((e) => e.sourceFile) : changed.map((c) => c.entry.sourceFile)).filter((f) => f);
    if (rebuild.length) this.updateImports(state, rebuild, structural);
  }

  /** Takes a file out of the program and the analysis until its text changes, saying why. */
  private drop(state: State, entry: Entry, text: string, reason: string): void {
    this.log(`skipped ${entry.rel}: ${reason}`);
    if (entry.sourceFile && !entry.sourceFile.wasForgotten()) state.project.removeSourceFile(entry.sourceFile);
    entry.sourceFile = undefined as unknown as SourceFile;
    entry.text = '';
    entry.unparsable = text;
    entry.skipReason = reason;
    entry.directives = undefined;
  }

  /** The changed files, what imports them (transitively), and the dependents of indexes they touch. */
  private affectedBy(state: State, changed: SourceFile[], edits: [string, string][]): Set<SourceFile> {
    const affected = new Set<SourceFile>();
    const queue: SourceFile[] = [];
    const add = (f: SourceFile) => {
      if (affected.has(f)) return;
      affected.add(f);
      queue.push(f);
    };
    changed.forEach(add);
    for (;;) {
      while (queue.length) for (const importer of state.importers.get(queue.pop()!) ?? []) add(importer);
      const more = state.analysis.indexDependents(affected, edits);
      if (!more.length) break;
      more.forEach(add);
    }
    return affected;
  }

  private updateImports(state: State, files: SourceFile[], all: boolean): void {
    if (all) state.importers.clear();
    for (const file of files) {
      for (const old of state.imports.get(file) ?? []) state.importers.get(old)?.delete(file);
      let targets: SourceFile[] = [];
      try {
        targets = importedFiles(state.project, file);
      } catch (error) {
        this.log(`could not resolve the imports of ${toRel(this.root, file.getFilePath())}: ${(error as Error).message}`);
      }
      state.imports.set(file, targets);
      for (const t of targets) {
        let set = state.importers.get(t);
        if (!set) state.importers.set(t, set = new Set());
        set.add(file);
      }
    }
  }

  // ------------------------------------------------------------- analysis

  private analyse(state: State, opts: SessionRunOptions, stats: RunStats): { result: AnalysisResult; model: SystemModel; stats: RunStats } {
    let mark = performance.now();
    const facts = this.allFacts(state, opts, stats);
    const { config, analysis } = state;
    const { layout, input } = config;
    const entries = analysedEntries(state);
    const files: WorkspaceFile[] = entries.map((e) => ({ rel: e.rel, sourceFile: e.sourceFile }));
    const skipped = [...state.listingSkipped];
    for (const e of state.files.values()) if (e.unparsable !== undefined) skipped.push({ file: e.rel, reason: e.skipReason ?? 'could not be parsed' });
    const relByFile = new Map<SourceFile, string>(files.map((f) => [f.sourceFile, f.rel]));
    const relOf = (node: Node) => relByFile.get(node.getSourceFile()) ?? toRel(this.root, node.getSourceFile().getFilePath());
    const serviceOfNode = (node: Node) => layout.serviceOf(relOf(node));

    const handlers = new Set<Node>(facts.filter((f) => f.kind === 'consumer' && f.handler).map((f) => f.handler!));
    // Effects kept from earlier runs stay valid while no handler outside the invalidated files appeared or went.
    const moved = (h: Node) => !h.wasForgotten() && !state.affected.has(h.getSourceFile()) && handlers.has(h) !== state.handlers.has(h);
    if (!state.effects || stats.full || [...state.handlers].some(moved) || [...handlers].some(moved)) state.effects = new EffectIndex(analysis, handlers);
    else state.effects.rebind(handlers);
    state.handlers = handlers;
    state.affected = new Set();

    const directives: Directive[] = [];
    for (const e of entries) {
      e.directives ??= parseDirectives(e.sourceFile, e.rel);
      for (const d of e.directives) directives.push({ ...d, used: false });
    }
    const justified = decisionMatcher(input.architecture, (rel) => layout.serviceOf(rel)?.name);
    const preloads = config.preloads ??= new Map();
    for (const e of entries) if (e.registration === undefined) e.registration = registrationIn(e.sourceFile) ?? null;
    const tracing = new TracingIndex({
      root: this.root, layout, importers: state.importers,
      files: entries.map((e) => ({ rel: e.rel, sourceFile: e.sourceFile, registration: e.registration ?? undefined })),
      preloads: (svc) => {
        let found = preloads.get(svc.name);
        if (!found) preloads.set(svc.name, found = preloadsOf(this.root, svc));
        return found;
      },
    });

    const model: SystemModel = {
      root: this.root, architecture: input.architecture, architectureFile: input.architectureFile, architectureProblems: input.problems,
      layout, analysis, effects: state.effects, files, facts, directives, ruleIds: RULE_IDS, datastores: config.datastores,
      relOf,
      // Nodes of unchanged files keep their wrappers between runs, and so their positions.
      locationOf: (node) => {
        let location = state.locations.get(node);
        if (!location) state.locations.set(node, location = locationOf(node, relOf(node)));
        return { file: location.file, range: { start: { ...location.range.start }, end: { ...location.range.end } } };
      },
      serviceOf: serviceOfNode,
      justification: (pattern, node) => justified(pattern, relOf(node)),
      hasTracing: (node) => tracing.traced(serviceOfNode(node)?.name),
      tracingOf: (node, library) => tracing.coverage(serviceOfNode(node)?.name, library),
      importersInServices: (file, options) => this.importersInServices(state, file, relOf, layout, options?.accept, options?.depth),
      findFiles: (patterns) => {
        const key = patterns.join('\n');
        let found = state.globs.get(key);
        if (!found) state.globs.set(key, found = findConfigFiles(this.root, patterns));
        return [...found];
      },
    };

    stats.timings.facts = performance.now() - mark;
    mark = performance.now();
    const findings: Finding[] = [];
    const notices = [...config.notices, ...(state.listingNotice ? [state.listingNotice] : [])];
    const withFixes = opts.withFixes ?? false;
    for (const rule of RULES) {
      const severity = severityFor(rule, input.architecture);
      if (severity === 'off') continue;
      const before = findings.length;
      try {
        runRule(rule, model, severity, findings, withFixes, this.log, input.architecture?.ruleOptions?.[rule.meta.id]);
      } catch (error) {
        // Half a rule's findings would be a silent loss: none of them, said so in every output.
        findings.length = before;
        notices.push({ kind: 'rule-failed', message: `rule ${rule.meta.id} failed (${(error as Error)?.message ?? String(error)}); its findings are missing from this run` });
        this.log(`rule ${rule.meta.id} failed: ${(error as Error)?.stack ?? error}`);
      }
    }

    stats.timings.rules = performance.now() - mark;
    applyDirectives(findings, directives);
    const wanted = (opts.paths ?? []).map((p) => toRel(this.root, path.resolve(this.root, p))).filter((p) => p !== '');
    const selected = wanted.length
      ? findings.filter((f) => wanted.some((w) => f.location.file === w || f.location.file.startsWith(w + '/')))
      : findings;
    selected.sort(compareFindings);
    const result: AnalysisResult = {
      root: this.root, findings: selected, rules: RULES.map((r) => r.meta), architectureFile: input.architectureFile,
      architecture: input.architecture, filesAnalyzed: files.length, skipped, outOfScope: { ...state.outOfScope }, notices,
    };
    return { result, model, stats };
  }

  /**
   * The facts of every analysed file. When a file's analysis throws, the file
   * leaves the program (until its text changes) and the facts are computed
   * again from scratch without it, up to MAX_FAILED_FILES times: the failure
   * (a stack overflow inside the checker, say) may have left shared state
   * half updated, and the other files' results must be those of a run that
   * never saw the file.
   */
  private allFacts(state: State, opts: SessionRunOptions, stats: RunStats): Fact[] {
    for (let failures = 0; ; failures++) {
      const entries = analysedEntries(state);
      const facts: Fact[] = [];
      let failed: { entry: Entry; error: unknown } | undefined;
      for (let i = 0; i < entries.length && !failed; i++) {
        const e = entries[i];
        if (opts.isCancelled?.()) throw new CancelledError();
        const fresh = !state.analysis.hasFacts(e.sourceFile);
        try {
          facts.push(...state.analysis.factsOf(e.sourceFile));
          if (fresh) stats.analysed.push(e.rel);
        } catch (error) {
          failed = { entry: e, error };
        }
        opts.onProgress?.(i + 1, entries.length);
      }
      if (opts.isCancelled?.()) throw new CancelledError();
      if (!failed) return facts;
      const message = (failed.error as Error)?.message ?? String(failed.error);
      this.drop(state, failed.entry, failed.entry.unparsable ?? failed.entry.text, `analysis failed (${message})`);
      if (failures >= MAX_FAILED_FILES) {
        this.log(`more than ${MAX_FAILED_FILES} files failed; the analysis stops retrying`);
        continue;
      }
      state.analysis = this.newAnalysis(state.config);
      state.effects = undefined;
      stats.full = true;
      stats.analysed = [];
      this.updateImports(state, analysedEntries(state).map((e) => e.sourceFile), true);
    }
  }

  /** Services whose files import a (service-less, shared) module, up to `maxDepth` levels of shared modules away. */
  private importersInServices(state: State, file: SourceFile, relOf: (n: Node) => string, layout: WorkspaceLayout, accept?: (decl: ImportDeclaration | ExportDeclaration) => boolean, maxDepth = 3) {
    const out: { service: NonNullable<ReturnType<WorkspaceLayout['serviceOf']>>; node: Node; via: string }[] = [];
    const seen = new Set<string>();
    const via = relOf(file);
    let frontier = new Set<SourceFile>([file]);
    const visited = new Set<SourceFile>([file]);
    for (let depth = 0; depth < maxDepth && frontier.size; depth++) {
      const next = new Set<SourceFile>();
      const importers = new Set<SourceFile>();
      for (const target of frontier) for (const f of state.importers.get(target) ?? []) importers.add(f);
      for (const f of [...importers].sort((a, b) => (relOf(a) < relOf(b) ? -1 : 1))) {
        // Imports, and re-exports (`export * from './pool'` in a barrel index).
        for (const decl of [...f.getImportDeclarations(), ...f.getExportDeclarations()]) {
          const specifier = decl.getModuleSpecifier();
          let target: SourceFile | undefined;
          try { target = specifier ? decl.getModuleSpecifierSourceFile() : undefined; } catch { target = undefined; }
          if (!specifier || !target || !frontier.has(target) || typeOnly(decl) || (accept && !accept(decl))) continue;
          const svc = layout.serviceOf(relOf(f));
          if (svc) {
            if (!seen.has(svc.name)) {
              seen.add(svc.name);
              out.push({ service: svc, node: specifier, via });
            }
          } else if (!visited.has(f)) {
            visited.add(f);
            next.add(f);
          }
        }
      }
      frontier = next;
    }
    return out;
  }
}

/** How many failing files a run drops and starts again without (see allFacts). */
const MAX_FAILED_FILES = 8;

/** The files the analysis covers, in path order. */
function analysedEntries(state: State): Entry[] {
  return [...state.files.values()].filter((e) => e.sourceFile && e.unparsable === undefined).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Open buffers of files other than sources (compose, .env, package.json...): their unsaved edits change the configuration. */
function overlaySignature(overlays: Map<string, string>, state: State | undefined): string {
  const parts: string[] = [];
  for (const [abs, text] of [...overlays].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (state?.files.has(abs) || SOURCE_RE.test(abs)) continue;
    parts.push(`${abs}\n${createHash('sha1').update(text).digest('hex')}`);
  }
  return parts.join('\n');
}

function readDisk(abs: string): string | undefined {
  const text = readTextFile(abs);
  return typeof text === 'string' ? text : undefined;
}
