/** The README's rule table, generated from rule metadata. */
import { RULES } from '../server/src/engine/rules';

export const TABLE_START = '<!-- rules:start -->';
export const TABLE_END = '<!-- rules:end -->';

export function ruleTable(): string {
  const rows = RULES.map((r) => `| [\`${r.meta.id}\`](docs/rules/${r.meta.id}.md) | ${r.meta.defaultSeverity} | ${r.meta.description} | ${r.meta.fixes.join('; ') || '—'} |`);
  return [TABLE_START, '| Rule | Default | What it checks | Quick fixes |', '|---|---|---|---|', ...rows, TABLE_END].join('\n');
}

/** PNG rendering of the example's service map, made by `node scripts/render-service-map.mjs test/report/golden/service-map.svg docs/images/checkout-service-map.png`. */
export const SERVICE_MAP_PNG = 'docs/images/checkout-service-map.png';

export const REPORT_START = '<!-- report-excerpt:start -->';
export const REPORT_END = '<!-- report-excerpt:end -->';

/** The README's report excerpt: docs/report-excerpt.md with its links made relative to the repository root. */
export function reportExcerpt(excerptMarkdown: string): string {
  const body = excerptMarkdown
    .replace(/^## Review report\n+/, '')
    .replace(/\]\(\.\.\//g, '](')
    .replace(/^### /gm, '#### ')
    // vsce rejects SVG images in the README: show the PNG rendering (scripts/render-service-map.mjs), link the SVG.
    .replace(/!\[([^\]]*)\]\((test\/report\/golden\/service-map\.svg)\)/, `![$1](${SERVICE_MAP_PNG})\n\n([SVG](\$2), regenerated with every report)`)
    .trim();
  return [REPORT_START, body, REPORT_END].join('\n');
}
