/** consistency-note.md: consistency model per flow, idempotency keys, sagas and compensations, 2PC/lock justifications. */
import { code, document, heading, lines, table, text } from '../markdown';
import { sameRef } from '../topology/source';
import type { ChannelView, ConsumerView } from '../topology/types';
import type { DocContext } from './context';
import { NONE_FOUND, capped, channelName, evidence, producerText } from './format';

export function renderConsistencyNote(ctx: DocContext): string {
  const { t } = ctx;
  return document([
    heading(1, `Consistency note: ${text(t.system)}`),
    'How each flow keeps its data consistent, as recorded in the architecture file and as implemented in the code. ' +
      'Message flows are asynchronous and at least once unless declared otherwise, so every consumer must be idempotent and ' +
      'every producer must not lose the event it owes.',
    heading(2, 'Recorded consistency decisions'),
    decisionsTable(ctx),
    heading(2, 'Message flows'),
    messageFlows(ctx),
    heading(2, 'Idempotency keys'),
    idempotencyTable(ctx),
    heading(2, 'Sagas and compensations'),
    sagas(ctx),
    heading(2, 'Two-phase commit and distributed locks'),
    coordination(ctx),
  ]);
}

function decisionsTable({ t, link }: DocContext): string {
  if (!t.decisions.length) return '_No consistency decisions are recorded in the architecture file._';
  return table(['Flow', 'Consistency', 'Pattern', 'Justification', 'Applies to'], t.decisions.map((d) => [
    `**${text(d.flow)}**<br>${link.ref(d.at)}`,
    d.consistency ?? '*not recorded*',
    d.pattern,
    d.justification ? text(d.justification) : '**none recorded**',
    lines([...d.services.map((s) => `service ${s}`), ...d.paths.map((p) => (/[*?{]/.test(p) ? code(p) : link.path(p.replace(/^\.\//, ''))))]) || '*everywhere*',
  ]));
}

function messageFlows({ t, link }: DocContext): string {
  const rows: string[][] = [];
  for (const ch of t.channels) {
    const producer = ch.producers.length
      ? lines(ch.producers.map((p) => `${producerText(link, p)}${p.via === 'publish' && p.dualWrite ? ` (**dual write**${sameRef(p.dualWrite, p.at) ? '' : `, ${link.ref(p.dualWrite)}`})` : ''}`))
      : ch.declared?.producer ? `${ch.declared.producer}: *no publish found in code*` : NONE_FOUND;
    const consumers = ch.consumers.length ? ch.consumers : [undefined];
    for (const c of consumers) {
      rows.push([
        `${channelName(ch.name)} → ${c?.service ?? '*no consumer found*'}`,
        consistencyOf(ch),
        producer,
        c ? consumerSide(link, c) : '',
      ]);
    }
  }
  if (!rows.length) return '_No message flows declared or found in code._';
  return table(['Flow', 'Consistency', 'Producer side', 'Consumer side'], rows);
}

function consistencyOf(ch: ChannelView): string {
  const delivery = ch.declared?.delivery ?? 'at-least-once (assumed)';
  return `eventual; ${delivery}`;
}

function consumerSide(link: DocContext['link'], c: ConsumerView): string {
  const parts = [`handler ${link.ref(c.at)}`];
  if (c.dedupe) parts.push(evidence(link, c.dedupe, 'dedupe'));
  if (c.transaction) parts.push(evidence(link, c.transaction, 'transaction'));
  if (!c.dedupe && c.effects.length) parts.push(`**no dedupe**; repeats ${capped(c.effects.map((e) => `${code(e.detail)} ${link.ref(e.at)}`), 3).join(', ')}`);
  if (!c.dedupe && !c.effects.length) parts.push('no non-idempotent effect found');
  if (c.follows.length) parts.push(`publishes ${c.follows.map(channelName).join(', ')}`);
  return lines(parts);
}

function idempotencyTable({ t, link }: DocContext): string {
  const rows = t.channels.flatMap((ch) => ch.consumers.map((c) => [
    `${channelName(ch.name)} → ${c.service ?? '?'}`,
    ch.declared?.idempotencyKey ? code(ch.declared.idempotencyKey) : '*not declared*',
    c.dedupe ? evidence(link, c.dedupe) : c.effects.length ? NONE_FOUND : 'not needed (no non-idempotent effect found)',
    link.ref(c.at),
  ]));
  if (!rows.length) return '_No message handlers found in code._';
  return table(['Flow', 'Declared key', 'Deduplication in code', 'Handler'], rows);
}

function sagas({ t, link }: DocContext): string {
  if (!t.workflows.length) return '_No workflows (sagas) are recorded in the architecture file._';
  return t.workflows.map((w) => [
    heading(3, `${text(w.name)}${w.kind ? ` (${w.kind})` : ''}`),
    `Declared at ${link.ref(w.at)}. When a step fails, the compensations of the steps before it must run, in reverse order.`,
    table(['Step', 'Service', 'Action', 'Compensation'], w.steps.map((s) => [
      `${text(s.name)}<br>${link.ref(s.at)}`,
      s.service ?? '*not recorded*',
      s.action ? `${code(s.action)} ${s.actionAt ? link.ref(s.actionAt) : '**not found in code**'}` : '*not recorded*',
      s.compensation ? `${code(s.compensation)} ${s.compensationAt ? link.ref(s.compensationAt) : '**not found in code**'}` : '**none declared**',
    ])),
  ].join('\n\n')).join('\n\n');
}

function coordination({ t, link }: DocContext): string {
  if (!t.coordination.length) return '_No two-phase commit or distributed lock found in code._';
  return table(['Site', 'Service', 'Pattern', 'Operations', 'Justification'], t.coordination.map((c) => {
    const decision = t.decisions.find((d) => d.flow === c.justifiedBy && d.pattern === c.pattern);
    return [
      `${code(c.fn)} ${link.ref(c.at)}`,
      c.service ?? '(no service)',
      c.pattern,
      lines(c.operations.map(code)),
      c.justifiedBy ? `recorded in ${code(c.justifiedBy)} ${link.ref(c.justificationAt)}${decision?.justification ? `: ${text(decision.justification)}` : ''}` : '**none recorded**',
    ];
  }));
}
