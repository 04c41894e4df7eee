/**
 * The engine's public entry points, used by the CLI, the language server and
 * the report generator.
 */
import type { Finding } from './types';
import type { RuleMeta } from './rules/createRule';
import type { Architecture } from './architecture/model';
import type { OutOfScopeKind } from './system/scope';

export interface AnalyzeOptions {
  /** Absolute path of the workspace root. */
  root: string;
  /** Restrict reported findings to these files/folders (absolute or root-relative). */
  paths?: string[];
  /** Architecture file (absolute or root-relative); default: architecture.yaml|.yml at the root. */
  architectureFile?: string;
  /** In-memory contents overriding the disk (open editor buffers), keyed by absolute path. */
  overlays?: Map<string, string>;
  /**
   * Analyse tests, benchmarks, fixtures, scripts, examples and generated code too (by default only
   * production code is analysed; see system/scope.ts).
   */
  includeTests?: boolean;
  /** Build quick fixes for findings (the language server asks; the CLI does not). */
  withFixes?: boolean;
  onProgress?(done: number, total: number): void;
  log?(message: string): void;
  /** Source files analysed at most (default MAX_SOURCE_FILES, workspace/files.ts). */
  maxFiles?: number;
}

export interface AnalysisResult {
  root: string;
  findings: Finding[];
  rules: RuleMeta[];
  /** Root-relative path of the architecture file used, if any. */
  architectureFile?: string;
  architecture?: Architecture;
  filesAnalyzed: number;
  /** Files skipped (too large, binary, unparsable, nested too deeply, failed), with the reason. */
  skipped: { file: string; reason: string }[];
  /** Source files left out as non-production code (tests, scripts, examples...), by kind. */
  outOfScope?: Partial<Record<OutOfScopeKind, number>>;
  /**
   * What else makes the results incomplete: a rule that failed (its findings
   * are missing), a configuration entry ignored. Each says what and why.
   */
  notices?: Notice[];
}

export interface Notice {
  /** `rule-failed`: a rule threw, its findings are missing; `configuration`: an entry was ignored. */
  kind: 'rule-failed' | 'configuration';
  message: string;
  /** Root-relative file the notice is about, if any. */
  file?: string;
}
