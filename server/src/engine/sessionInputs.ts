/**
 * The inputs side of an analysis session: reads the configuration and the
 * file list (rescan), brings the project to the current texts (update),
 * and says which files a change can affect (their importers, transitively,
 * and the dependents of workspace indexes the change touches), so that only
 * their facts are forgotten. AnalysisSession (session.ts) runs on top.
 */
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Project, type SourceFile } from 'ts-morph';
import type { AnalyzeOptions, Notice } from './api';
import { compilerOptionsFor, packageFolders, readArchitecture, scopeEvidence, workspaceManifests } from './config';
import { ModuleResolver, readTsconfigs } from './workspace/tsconfigs';
import { MAX_FILE_BYTES, MAX_SOURCE_FILES, listSourceFiles, readTextFile, toRel } from './workspace/files';
import { discoverLayout } from './workspace/services';
import { DatastoreResolver } from './workspace/datastores';
import { serviceForUrl } from './workspace/serviceUrls';
import { createScope } from './system/scope';
import { Analysis } from './facts/analysis';
import { importedFiles, isGlobalScript } from './facts/imports';
import { LIBRARIES } from './facts/libraries';
import type { Config, Entry, RunStats, State } from './sessionState';

export abstract class SessionInputs {
  protected state: State | undefined;
  readonly root: string;
  protected readonly log: (message: string) => void;

  constructor(protected readonly options: Pick<AnalyzeOptions, 'root' | 'architectureFile' | 'includeTests' | 'log' | 'maxFiles'>) {
    this.root = path.resolve(options.root);
    this.log = options.log ?? (() => undefined);
  }

  private readConfig(overlays: Map<string, string>): Config {
    const input = readArchitecture(this.root, { ...this.options, overlays });
    const layout = discoverLayout(this.root, input.architecture, overlays);
    const datastores = new DatastoreResolver(layout, input.architecture, this.root);
    const found: Notice[] = [];
    const packages = workspaceManifests(this.root, overlays);
    const compilerOptions = compilerOptionsFor(this.root, overlays, found, packages);
    const tsconfigs = readTsconfigs(this.root, packageFolders(packages), overlays, found);
    // The root tsconfig is read by both: each problem is said once.
    const notices = found.filter((n, i) => found.findIndex((m) => m.message === n.message) === i);
    for (const n of notices) this.log(n.message);
    const scope = createScope({
      includeTests: this.options.includeTests, ignores: input.architecture?.ignores, include: input.architecture?.include,
      ...scopeEvidence(this.root, overlays),
    });
    const signature = createHash('sha1').update(JSON.stringify(
      { text: input.text, compilerOptions, tsconfigs: tsconfigs.signature, services: layout.services, compose: layout.compose, rootEnv: layout.rootEnv, scope: scope.signature },
      (_key, value: unknown) => (value instanceof Map ? [...value] : value),
    )).digest('hex');
    return { input, layout, datastores, compilerOptions, tsconfigs, scope, notices, signature };
  }

  /** Re-reads configuration and the file list; a different configuration starts from fresh facts. */
  protected rescan(overlays: Map<string, string>, stats: RunStats): State {
    const config = this.readConfig(overlays);
    let state = this.state;
    if (!state || state.config.signature !== config.signature) {
      const reuse = state && JSON.stringify(state.config.compilerOptions) === JSON.stringify(config.compilerOptions) &&
        state.config.tsconfigs.signature === config.tsconfigs.signature;
      const resolver = reuse ? state!.resolver : new ModuleResolver(this.root, config.tsconfigs, config.compilerOptions);
      const project = reuse ? state!.project : new Project({
        useInMemoryFileSystem: true, skipLoadingLibFiles: true, compilerOptions: config.compilerOptions, resolutionHost: resolver.factory,
      });
      const files = state && project === state.project ? state.files : new Map<string, Entry>();
      state = {
        config, project, resolver, analysis: this.newAnalysis(config), effects: undefined, handlers: new Set(), affected: new Set(), locations: new WeakMap(), globs: new Map(),
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

  protected newAnalysis(config: Config): Analysis {
    const { layout, input } = config;
    return new Analysis(LIBRARIES, {
      serviceForUrl: (text, file) => serviceForUrl(text, layout.serviceOf(toRel(this.root, file)), layout, input.architecture),
    });
  }

  /** Brings the project to the current texts, forgetting what the changes can affect. */
  protected update(state: State, overlays: Map<string, string>, stats: RunStats): void {
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
    // A file that appears or goes changes what an import resolves to.
    if (removed.length || added.length) state.resolver.clear();
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
  protected drop(state: State, entry: Entry, text: string, reason: string): void {
    this.log(`skipped ${entry.rel}: ${reason}`);
    if (entry.sourceFile && !entry.sourceFile.wasForgotten()) state.project.removeSourceFile(entry.sourceFile);
    state.resolver.clear();
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

  protected updateImports(state: State, files: SourceFile[], all: boolean): void {
    if (all) state.importers.clear();
    for (const file of files) {
      for (const old of state.imports.get(file) ?? []) state.importers.get(old)?.delete(file);
      let targets: SourceFile[] = [];
      try {
        targets = importedFiles(state.project, file, state.resolver);
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
}

function readDisk(abs: string): string | undefined {
  const text = readTextFile(abs);
  return typeof text === 'string' ? text : undefined;
}
