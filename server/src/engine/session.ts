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
 *
 * This file runs facts and rules over the files (analyse); sessionInputs.ts
 * keeps the configuration, file list and parsed texts up to date, and
 * sessionState.ts declares what a session keeps between runs.
 */
import * as path from 'node:path';
import { type ExportDeclaration, type ImportDeclaration, type Node, type SourceFile } from 'ts-morph';
import { typeOnly } from './system/imports';
import type { AnalysisResult } from './api';
import type { Finding } from './types';
import { architectureSource } from './config';
import { findConfigFiles, toRel } from './workspace/files';
import type { WorkspaceLayout } from './workspace/services';
import { EffectIndex } from './facts/effects';
import { settleUrlTargets } from './system/urlTargets';
import type { Fact } from './facts/facts';
import { RULES, RULE_IDS } from './rules';
import { compareFindings, runRule, severityFor } from './runRules';
import { decisionMatcher, locationOf, type SystemModel, type WorkspaceFile } from './model';
import { applyDirectives, parseDirectives, type Directive } from './suppressions';
import { preloadsOf, registrationIn, TracingIndex } from './workspace/tracing';
import { OrmKeys } from './workspace/ormKeys';
import { analysedEntries, CancelledError, overlaySignature, SOURCE_RE, type Entry, type RunStats, type SessionRunOptions, type State } from './sessionState';
import { SessionInputs } from './sessionInputs';
import { keyGiven } from './facts/libraries/givenData';
export { CancelledError, type RunStats, type SessionRunOptions } from './sessionState';

export class AnalysisSession extends SessionInputs {
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
    settleUrlTargets(facts, serviceOfNode);

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
      root: this.root, layout, importers: state.importers, resolveCallees: (call) => analysis.resolveCallees(call),
      files: entries.map((e) => ({ rel: e.rel, sourceFile: e.sourceFile, registration: e.registration ?? undefined })),
      preloads: (svc) => {
        let found = preloads.get(svc.name);
        if (!found) preloads.set(svc.name, found = preloadsOf(this.root, svc));
        return found;
      },
    });

    const users = new Map<SourceFile, string[]>();
    const usersOf = (node: Node) => {
      const sf = node.getSourceFile();
      let found = users.get(sf);
      if (!found) users.set(sf, found = [...new Set(this.importersInServices(state, sf, relOf, layout, undefined, 5).map((i) => i.service.name))]);
      return found;
    };
    const ormKeys = new OrmKeys(this.root);
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
      // Shared code (no service of its own) is traced where every service that imports it is.
      tracerIn: (node) => tracing.tracer(serviceOfNode(node)?.name ?? usersOf(node)),
      tracingOf: (node, library) => tracing.coverage(serviceOfNode(node)?.name ?? usersOf(node), library),
      importersInServices: (file, options) => this.importersInServices(state, file, relOf, layout, options?.accept, options?.depth),
      insertKey: (fact) => {
        if (!fact.insertKeys?.length || !fact.table) return undefined;
        const keys = ormKeys.keysOf(fact.node.getSourceFile().getFilePath(), fact.library, fact.table);
        return keys ? keyGiven(keys, fact.insertKeys) : undefined;
      },
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
