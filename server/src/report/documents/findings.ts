/** findings.md: open findings by rule, suppressions with their reasons, recorded justifications. */
import type { Finding } from '../../engine/types';
import { code, document, heading, lines, table, text } from '../markdown';
import { compareText } from '../topology/source';
import type { DocContext } from './context';
import { INFERRED } from './format';

export function renderFindings(ctx: DocContext): string {
  const { t, link } = ctx;
  const open = t.findings.filter((f) => !f.suppressed);
  const suppressed = t.findings.filter((f) => f.suppressed);
  const ruleIds = orderedRules(ctx);
  const at = (f: Finding) => link.ref({ file: f.location.file, line: f.location.range.start.line });
  return document([
    heading(1, `Findings and justifications: ${text(t.system)}`),
    'What `distributed-patterns check` reports for this workspace, grouped by rule, with the suppressions and the recorded justifications that silence findings.',
    table(['Rule', 'Open', 'Suppressed'], ruleIds.map((id) => [
      ruleLink(ctx, id),
      String(open.filter((f) => f.ruleId === id).length),
      String(suppressed.filter((f) => f.ruleId === id).length),
    ])),
    heading(2, 'Open findings'),
    open.length ? ruleIds.filter((id) => open.some((f) => f.ruleId === id)).map((id) => [
      heading(3, id),
      text(t.rules.find((r) => r.id === id)?.description ?? ''),
      table(['Location', 'Severity', 'Finding', 'How to fix'], open.filter((f) => f.ruleId === id).map((f) => [
        at(f),
        f.severity,
        `${f.message}${f.inferred ? ` ${INFERRED}` : ''}${f.related.length ? `<br>related: ${f.related.map((r) => link.ref({ file: r.file, line: r.range.start.line })).join(', ')}` : ''}`,
        f.hint,
      ])),
    ].join('\n\n')).join('\n\n') : '_No open findings._',
    heading(2, 'Suppressed findings'),
    suppressed.length
      ? table(['Location', 'Rule', 'Suppressed by', 'Reason'], suppressed.map((f) => [
        at(f), f.ruleId,
        f.suppressed!.kind === 'inSource' ? 'comment in source' : 'baseline',
        f.suppressed!.justification ? text(f.suppressed!.justification) : '**no reason given**',
      ]))
      : '_No suppressed findings._',
    heading(2, 'Recorded justifications'),
    t.decisions.some((d) => d.justification)
      ? table(['Decision', 'Pattern', 'Justification', 'Trade-off', 'Covers'], t.decisions.filter((d) => d.justification).map((d) => [
        `${code(d.flow)} ${link.ref(d.at)}`,
        d.pattern,
        text(d.justification!),
        d.tradeoff ? text(d.tradeoff) : '*not recorded*',
        lines([
          ...d.services.map((s) => `service ${s}`),
          ...d.paths.map((p) => (/[*?{]/.test(p) ? code(p) : link.path(p.replace(/^\.\//, '')))),
          ...t.coordination.filter((c) => c.justifiedBy === d.flow && c.pattern === d.pattern).map((c) => `${code(c.fn)} ${link.ref(c.at)}`),
        ]),
      ]))
      : '_No justifications are recorded in the architecture file._',
  ]);
}

function orderedRules({ t }: DocContext): string[] {
  const known = t.rules.map((r) => r.id);
  const extra = [...new Set(t.findings.map((f) => f.ruleId))].filter((id) => !known.includes(id)).sort(compareText);
  return [...known, ...extra];
}

function ruleLink({ t }: DocContext, id: string): string {
  const url = t.rules.find((r) => r.id === id)?.docsUrl;
  return url ? `[${id}](${url})` : id;
}
