/**
 * Exit codes, as ESLint uses them:
 * 0 clean, 1 findings that fail the run, 2 usage or internal error.
 */
import type { Finding } from '../engine/types';
import { summarize } from './findings';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

/**
 * 1 when a non-suppressed finding has severity `error`, or when the number of
 * non-suppressed warnings exceeds `maxWarnings` (undefined or negative = no limit);
 * otherwise 0. Infos never fail a run.
 */
export function exitCodeFor(findings: readonly Finding[], maxWarnings?: number): number {
  const summary = summarize(findings);
  if (summary.errors > 0) return EXIT_FINDINGS;
  if (maxWarnings !== undefined && maxWarnings >= 0 && summary.warnings > maxWarnings) return EXIT_FINDINGS;
  return EXIT_OK;
}
