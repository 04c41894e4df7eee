/**
 * Human output modelled on ESLint's `stylish`: findings grouped by file,
 * `line:col  severity  message  rule-id` rows with the fix hint and related
 * locations indented under the message, and a one-line summary.
 * Suppressed findings are only counted.
 */
import type { Finding, Severity } from '../../engine/types';
import { createStyle, escapeControls as safe, type Style } from '../ansi';
import { sortFindings, summarize, type Summary } from '../findings';
import { displayPath } from './paths';
import type { Formatter, ReportInput } from './types';

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function severityStyle(style: Style, severity: Severity): (s: string) => string {
  return severity === 'error' ? style.red : severity === 'warning' ? style.yellow : style.blue;
}

function formatFileBlock(input: ReportInput, file: string, findings: Finding[], style: Style): string {
  const lineWidth = Math.max(...findings.map((f) => String(f.location.range.start.line).length));
  const columnWidth = Math.max(...findings.map((f) => String(f.location.range.start.column).length));
  const severityWidth = Math.max(...findings.map((f) => f.severity.length));
  const lines = [style.underline(safe(displayPath(input.root, input.cwd, file)))];
  for (const finding of findings) {
    const { line, column } = finding.location.range.start;
    // Line right-aligned, column left-aligned, as ESLint's table does.
    const position = `${String(line).padStart(lineWidth)}:${String(column).padEnd(columnWidth)}`;
    const severity = finding.severity.padEnd(severityWidth);
    const prefix = `  ${position}  ${severity}  `;
    const indent = ' '.repeat(prefix.length);
    const inferred = finding.inferred ? ` ${style.dim('(inferred)')}` : '';
    lines.push(
      `  ${style.dim(position)}  ${severityStyle(style, finding.severity)(severity)}  ` +
        `${safe(finding.message)}${inferred}  ${style.dim(safe(finding.ruleId))}`,
    );
    if (finding.hint) lines.push(`${indent}→ ${safe(finding.hint)}`);
    for (const related of finding.related) {
      const where = `${safe(displayPath(input.root, input.cwd, related.file))}:${related.range.start.line}:${related.range.start.column}`;
      lines.push(`${indent}${style.dim(`also: ${where}`)} ${safe(related.message)}`.trimEnd());
    }
  }
  return lines.join('\n');
}

function formatSummary(summary: Summary, style: Style): string {
  const problems = summary.errors + summary.warnings + summary.infos;
  const suppressed = summary.suppressed > 0 ? `, ${summary.suppressed} suppressed` : '';
  if (problems === 0) {
    const note = summary.suppressed > 0 ? ` (${summary.suppressed} suppressed)` : '';
    return style.green(style.bold(`✔ No problems found${note}`));
  }
  const counts = [plural(summary.errors, 'error'), plural(summary.warnings, 'warning')];
  if (summary.infos > 0) counts.push(plural(summary.infos, 'info'));
  const text = `✖ ${plural(problems, 'problem')} (${counts.join(', ')})${suppressed}`;
  const colour = summary.errors > 0 ? style.red : summary.warnings > 0 ? style.yellow : style.blue;
  return colour(style.bold(text));
}

export const formatStylish: Formatter = (input, options) => {
  const style = createStyle(options.color);
  const visible = sortFindings(input.findings.filter((f) => !f.suppressed));
  const byFile = new Map<string, Finding[]>();
  for (const finding of visible) {
    const list = byFile.get(finding.location.file) ?? [];
    list.push(finding);
    byFile.set(finding.location.file, list);
  }

  let output = '';
  for (const [file, findings] of byFile) {
    output += `\n${formatFileBlock(input, file, findings, style)}\n`;
  }
  output += `\n${formatSummary(summarize(input.findings), style)}\n`;

  if (input.skipped.length > 0) {
    output += `\n${plural(input.skipped.length, 'file')} not analyzed:\n`;
    for (const skipped of [...input.skipped].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))) {
      output += `  ${safe(displayPath(input.root, input.cwd, skipped.file))}  ${style.dim(safe(skipped.reason))}\n`;
    }
  }
  const outOfScope = Object.entries(input.outOfScope ?? {}).filter(([, n]) => (n ?? 0) > 0).sort(([a], [b]) => (a < b ? -1 : 1));
  if (outOfScope.length > 0) {
    const total = outOfScope.reduce((sum, [, n]) => sum + (n ?? 0), 0);
    const kinds = outOfScope.map(([kind, n]) => `${n} ${kind}`).join(', ');
    output += `\n${style.dim(`${plural(total, 'file')} left out as non-production code (${kinds}); --include-tests analyses them.`)}\n`;
  }
  const notices = input.notices ?? [];
  if (notices.length > 0) {
    output += `\n${plural(notices.length, 'notice')}: the results are incomplete or configuration was ignored:\n`;
    for (const notice of notices) output += `  ${style.yellow(notice.message)}\n`;
  }
  const unmatched = input.unmatchedBaselineEntries ?? 0;
  if (unmatched > 0) {
    const entries = unmatched === 1 ? '1 baseline entry no longer matches' : `${unmatched} baseline entries no longer match`;
    output += `\n${style.dim(`${entries} a finding; run with --update-baseline to prune.`)}\n`;
  }
  return output;
};
