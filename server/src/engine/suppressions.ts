/**
 * In-source suppressions:
 *   // distributed-patterns-disable-next-line <rule-id>[, <rule-id>] -- <reason>
 * A directive without a reason still suppresses, but is itself reported by
 * `unexplained-suppression`, like eslint-comments/require-description.
 */
import type { SourceFile } from 'ts-morph';
import type { Finding, Range } from './types';

export const DIRECTIVE = 'distributed-patterns-disable-next-line';

export interface Directive {
  file: string;
  /** Line of the comment (1-based); it applies to the next line. */
  line: number;
  range: Range;
  ruleIds: string[];
  reason: string;
  used: boolean;
}

const DIRECTIVE_RE = new RegExp(`^\\s*(?://|/\\*|\\*)\\s*${DIRECTIVE}\\b(.*?)(?:\\*/)?\\s*$`);

export function parseDirectives(sourceFile: SourceFile, rel: string): Directive[] {
  const out: Directive[] = [];
  const source = sourceFile.getFullText();
  if (!source.includes(DIRECTIVE)) return out;
  const lines = source.split(/\r?\n/);
  lines.forEach((text, i) => {
    const m = DIRECTIVE_RE.exec(text);
    if (!m) return;
    const [rulesPart, ...reasonParts] = m[1].split(/\s--\s?|\s--$/);
    const ruleIds = rulesPart.split(/[\s,]+/).map((r) => r.trim()).filter(Boolean);
    const start = text.indexOf(DIRECTIVE) - (text.slice(0, text.indexOf(DIRECTIVE)).match(/(\/\/|\/\*)\s*$/)?.[0].length ?? 0);
    out.push({
      file: rel, line: i + 1, ruleIds, reason: reasonParts.join(' -- ').trim(), used: false,
      range: { start: { line: i + 1, column: start + 1 }, end: { line: i + 1, column: text.length + 1 } },
    });
  });
  return out;
}

/** Marks findings on the line after a matching directive as suppressed (in source). */
export function applyDirectives(findings: Finding[], directives: Directive[]): void {
  const byFile = new Map<string, Directive[]>();
  for (const d of directives) byFile.set(d.file, [...(byFile.get(d.file) ?? []), d]);
  for (const f of findings) {
    if (f.suppressed || f.ruleId === 'unexplained-suppression') continue;
    const candidates = byFile.get(f.location.file) ?? [];
    const d = candidates.find((c) => c.line + 1 === f.location.range.start.line && (c.ruleIds.length === 0 || c.ruleIds.includes(f.ruleId)));
    if (!d) continue;
    d.used = true;
    f.suppressed = { kind: 'inSource', justification: d.reason };
  }
}
