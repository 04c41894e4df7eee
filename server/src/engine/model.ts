/**
 * The system model the rules read: services, the architecture file, code
 * facts and the effect index, plus helpers to turn nodes into locations.
 */
import type { ExportDeclaration, ImportDeclaration, Node, SourceFile } from 'ts-morph';
import picomatch from 'picomatch';
import type { Architecture, ArchDecision, ArchitectureProblem, DecisionPattern } from './architecture/model';
import type { Directive } from './suppressions';
import type { Location } from './types';
import type { Analysis } from './facts/analysis';
import type { EffectIndex } from './facts/effects';
import type { Fact } from './facts/facts';
import type { ServiceInfo, WorkspaceLayout } from './workspace/services';
import type { DatastoreResolver } from './workspace/datastores';
import type { TracingEvidence } from './workspace/tracing';

export interface WorkspaceFile {
  rel: string;
  sourceFile: SourceFile;
}

export interface SystemModel {
  root: string;
  architecture?: Architecture;
  layout: WorkspaceLayout;
  analysis: Analysis;
  effects: EffectIndex;
  files: WorkspaceFile[];
  facts: Fact[];
  /** Root-relative path of the architecture file, when there is one. */
  architectureFile?: string;
  architectureProblems: ArchitectureProblem[];
  directives: Directive[];
  ruleIds: string[];
  relOf(node: Node): string;
  locationOf(node: Node): Location;
  serviceOf(node: Node): ServiceInfo | undefined;
  /** The recorded decision that justifies `pattern` at this file, if any. */
  justification(pattern: DecisionPattern, node: Node): ArchDecision | undefined;
  datastores: DatastoreResolver;
  /**
   * Services whose files import this (service-less, shared) module, with the importing node. `accept`,
   * when given, keeps only the imports and re-exports that bring in what matters (the names a service
   * imports from a barrel, say); the others neither count nor lead further. `depth` is how many shared
   * modules away an importer may be (3 unless given).
   */
  importersInServices(file: SourceFile, options?: { accept?: (decl: ImportDeclaration | ExportDeclaration) => boolean; depth?: number }): { service: ServiceInfo; node: Node; via: string }[];
  /** The tracer whose instrumentation is registered in the node's service (`OpenTelemetry`, `Sentry`, `dd-trace`), if any. */
  tracerIn(node: Node): string | undefined;
  /**
   * The OpenTelemetry instrumentation that carries the trace context in what `library` (a fact's
   * library) sends from the node's service, with where it is registered and how it is loaded.
   */
  tracingOf(node: Node, library: string): TracingEvidence | undefined;
  /**
   * For an insert (a write with `insertKeys`): the primary or unique key of the written model, as
   * its ORM schema declares it (workspace/ormKeys.ts), that the insert sets from outside, so a
   * repeat collides on it. Undefined when no schema says so.
   */
  insertKey(fact: Fact): string[] | undefined;
  /** Root-relative files matching the globs (SQL migrations...), listed once until the workspace is rescanned. */
  findFiles(patterns: string[]): string[];
}

export function locationOf(node: Node, rel: string): Location {
  const sf = node.getSourceFile();
  const start = sf.getLineAndColumnAtPos(node.getStart());
  const end = sf.getLineAndColumnAtPos(node.getEnd());
  return { file: rel, range: { start: { line: start.line, column: start.column }, end: { line: end.line, column: end.column } } };
}

export function decisionMatcher(architecture: Architecture | undefined, serviceName: (rel: string) => string | undefined) {
  const decisions = (architecture?.decisions ?? []).map((d) => ({
    d,
    paths: d.paths.map((p) => picomatch(p.replace(/^\.\//, ''))),
    prefixes: d.paths.map((p) => p.replace(/^\.\//, '').replace(/\/$/, '')),
  }));
  return (pattern: DecisionPattern, rel: string): ArchDecision | undefined => {
    const svc = serviceName(rel);
    for (const { d, paths, prefixes } of decisions) {
      if (d.pattern !== pattern || !d.justification || !d.justification.trim()) continue;
      if (paths.some((m) => m(rel)) || prefixes.some((p) => rel === p || rel.startsWith(p + '/'))) return d;
      if (svc && d.services.includes(svc) && d.paths.length === 0) return d;
    }
    return undefined;
  };
}
