/** The README's rule table, generated from rule metadata. */
import { RULES } from '../server/src/engine/rules';

export const TABLE_START = '<!-- rules:start -->';
export const TABLE_END = '<!-- rules:end -->';

export function ruleTable(): string {
  const rows = RULES.map((r) => `| [\`${r.meta.id}\`](docs/rules/${r.meta.id}.md) | ${r.meta.defaultSeverity} | ${r.meta.description} | ${r.meta.fixes.join('; ') || '—'} |`);
  return [TABLE_START, '| Rule | Default | What it checks | Quick fixes |', '|---|---|---|---|', ...rows, TABLE_END].join('\n');
}

export const REPORT_START = '<!-- report-excerpt:start -->';
export const REPORT_END = '<!-- report-excerpt:end -->';

/** The README's report excerpt: docs/report-excerpt.md with its links made relative to the repository root. */
export function reportExcerpt(excerptMarkdown: string): string {
  const body = excerptMarkdown
    .replace(/^## Review report\n+/, '')
    .replace(/\]\(\.\.\//g, '](')
    .replace(/^### /gm, '#### ')
    .trim();
  return [REPORT_START, body, REPORT_END].join('\n');
}
