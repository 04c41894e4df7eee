/**
 * What every formatter receives: the analysis result after the baseline has
 * been applied, plus where the user stands.
 */
import type { Finding } from '../../engine/types';
import type { RuleMeta } from '../../engine/rules/createRule';
import type { Notice } from '../../engine/api';

export type FormatName = 'stylish' | 'json' | 'sarif';
export const FORMAT_NAMES: readonly FormatName[] = ['stylish', 'json', 'sarif'];

export interface ReportInput {
  /** Absolute workspace root; finding files are relative to it. */
  root: string;
  /** Directory the user ran the CLI from; stylish prints paths relative to it. */
  cwd: string;
  /** Root-relative path of the architecture file used, if any. */
  architectureFile?: string;
  /** All findings, suppressed ones included (with their suppression). */
  findings: Finding[];
  rules: RuleMeta[];
  filesAnalyzed: number;
  skipped: { file: string; reason: string }[];
  /** Source files left out as non-production code (tests, scripts, examples...), by kind. */
  outOfScope?: Partial<Record<string, number>>;
  /** What else makes the results incomplete (a failed rule, an ignored configuration entry). */
  notices?: Notice[];
  /** Baseline entries that matched no finding (fixed since the baseline was written). */
  unmatchedBaselineEntries?: number;
}

export interface FormatOptions {
  /** ANSI colours; only the stylish formatter uses them. */
  color: boolean;
}

export type Formatter = (input: ReportInput, options: FormatOptions) => string;
