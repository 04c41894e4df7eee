/**
 * Small helpers over findings shared by the formatters, the baseline and the
 * exit code: a stable order and the counts shown in summaries.
 */
import type { Finding } from '../engine/types';

export interface Summary {
  errors: number;
  warnings: number;
  infos: number;
  suppressed: number;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Order by file, line, column, rule; then message and fingerprint so ties are stable too. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    compareStrings(a.location.file, b.location.file) ||
    a.location.range.start.line - b.location.range.start.line ||
    a.location.range.start.column - b.location.range.start.column ||
    compareStrings(a.ruleId, b.ruleId) ||
    compareStrings(a.message, b.message) ||
    compareStrings(a.fingerprint, b.fingerprint)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort(compareFindings);
}

/** Severity counts of the findings that are not suppressed, plus how many are suppressed. */
export function summarize(findings: readonly Finding[]): Summary {
  const summary: Summary = { errors: 0, warnings: 0, infos: 0, suppressed: 0 };
  for (const finding of findings) {
    if (finding.suppressed) summary.suppressed++;
    else if (finding.severity === 'error') summary.errors++;
    else if (finding.severity === 'warning') summary.warnings++;
    else summary.infos++;
  }
  return summary;
}
