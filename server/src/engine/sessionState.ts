/**
 * What an analysis session keeps between runs: the configuration it read,
 * one entry per workspace file (its text, why it is skipped), the project
 * and the analysis over them, and the import graph; plus the options and
 * statistics of a run. See session.ts for how a run uses them.
 */
import { createHash } from 'node:crypto';
import type { Node, Project, SourceFile } from 'ts-morph';
import type { Notice } from './api';
import type { Location } from './types';
import type { ArchitectureInput, compilerOptionsFor } from './config';
import type { ModuleResolver, TsconfigGraph } from './workspace/tsconfigs';
import type { WorkspaceLayout } from './workspace/services';
import type { DatastoreResolver } from './workspace/datastores';
import type { OutOfScopeKind, Scope } from './system/scope';
import type { Analysis } from './facts/analysis';
import type { EffectIndex } from './facts/effects';
import type { Directive } from './suppressions';
import type { preloadsOf, Registration } from './workspace/tracing';

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

export const SOURCE_RE = /\.(ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

export class CancelledError extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

export interface Config {
  input: ArchitectureInput;
  layout: WorkspaceLayout;
  datastores: DatastoreResolver;
  compilerOptions: ReturnType<typeof compilerOptionsFor>;
  /** The tsconfigs governing the workspace's folders (module resolution per package). */
  tsconfigs: TsconfigGraph;
  /** Which source files are production code (the rest is not analysed). */
  scope: Scope;
  /** Configuration entries ignored (a tsconfig `paths` entry of the wrong type...). */
  notices: Notice[];
  /** What facts depend on besides source text; a change recomputes every file's facts. */
  signature: string;
  /** Modules each service preloads (`node --require`), read once per configuration. */
  preloads?: Map<string, ReturnType<typeof preloadsOf>>;
}

export interface Entry {
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

export interface State {
  config: Config;
  project: Project;
  /** Resolves the project's imports by each file's tsconfig (made with the project). */
  resolver: ModuleResolver;
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


/** The files the analysis covers, in path order. */
export function analysedEntries(state: State): Entry[] {
  return [...state.files.values()].filter((e) => e.sourceFile && e.unparsable === undefined).sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** Open buffers of files other than sources (compose, .env, package.json...): their unsaved edits change the configuration. */
export function overlaySignature(overlays: Map<string, string>, state: State | undefined): string {
  const parts: string[] = [];
  for (const [abs, text] of [...overlays].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (state?.files.has(abs) || SOURCE_RE.test(abs)) continue;
    parts.push(`${abs}\n${createHash('sha1').update(text).digest('hex')}`);
  }
  return parts.join('\n');
}
