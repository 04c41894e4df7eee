/** contracts.md: every channel and synchronous API, declared vs. observed in code, with drift called out. */
import { code, document, heading, lines, table, text } from '../markdown';
import type { ApiView, ChannelView } from '../topology/types';
import type { DocContext } from './context';
import { INFERRED, NONE_FOUND, channelName, consumerText, evidence, producerText } from './format';

const STATUS: Record<ChannelView['status'], string> = {
  declared: 'declared',
  inferred: 'inferred',
  'code-only': '**observed in code only**',
};

export function renderContracts(ctx: DocContext): string {
  const { t, link } = ctx;
  const arch = t.architectureFile ? link.path(t.architectureFile) : 'the architecture file (none found)';
  return document([
    heading(1, `Contract list: ${text(t.system)}`),
    `Every channel and synchronous API, as declared in ${arch} and as found in the code. ` +
      'Status: **declared** (in the architecture file), **inferred** (no channels are declared; found in code), ' +
      '**observed in code only** (in code but not declared). Values marked *(inferred)* were matched by the report ' +
      '(for example a topic literal in an outbox insert), not resolved by the analysis.',
    heading(2, 'Channels'),
    t.channels.length ? channelTable(ctx) : '_No channels declared or found in code._',
    heading(3, 'Drift between the architecture file and the code'),
    driftList(ctx),
    t.unresolvedPublishes.length ? heading(3, 'Publishes whose channel the analysis cannot resolve') : undefined,
    t.unresolvedPublishes.length ? table(['Service', 'Call', 'Where', 'Note'], t.unresolvedPublishes.map((u) => [
      u.service ?? '(no service)', code(u.detail), link.ref(u.at),
      u.relay ? 'outbox relay: publishes the channel stored in each outbox row' : 'dynamic channel name: record it in the architecture file',
    ])) : undefined,
    heading(2, 'Synchronous APIs'),
    t.apis.length ? apiTable(ctx, t.apis) : '_No synchronous APIs declared or HTTP calls found in code._',
  ]);
}

function channelTable({ t, link }: DocContext): string {
  const rows = t.channels.map((ch) => {
    const d = ch.declared;
    const producers = ch.producers.map((p) => producerText(link, p));
    if (d?.producer && !ch.producers.some((p) => p.service === d.producer)) producers.unshift(`${d.producer}: *declared; not found in code*`);
    const consumers = ch.consumers.map((c) => `${consumerText(link, c)}${d && !c.declared ? ' **(not declared)**' : ''}`);
    for (const name of d?.consumers ?? []) {
      if (!ch.consumers.some((c) => c.service === name)) consumers.push(`${name}: *declared; no handler found in code*`);
    }
    const correlation = [
      d?.correlation ? code(d.correlation) : '*not declared*',
      ...ch.producers.filter((p) => p.correlation === 'absent').map((p) => `**missing** at ${link.ref(p.at)}`),
    ];
    return [
      `${channelName(ch.name)}${ch.declaredAt ? `<br>${link.ref(ch.declaredAt)}` : ''}`,
      ch.broker ? `${ch.broker}${d?.broker ? '' : ` ${INFERRED}`}` : '*unknown*',
      d?.message ? code(d.message) : '*not declared*',
      lines(producers) || NONE_FOUND,
      lines(consumers) || NONE_FOUND,
      d?.delivery ?? (d ? '*not declared*' : `at-least-once ${INFERRED}`),
      d?.ordering ? code(d.ordering) : '*not declared*',
      d?.idempotencyKey ? code(d.idempotencyKey) : '*not declared*',
      lines(correlation),
      d?.versioning ? text(d.versioning) : '*not declared*',
      `${STATUS[ch.status]}${ch.drift.length ? '<br>drift: see below' : ''}`,
    ];
  });
  return table(['Channel', 'Broker', 'Message', 'Producer', 'Consumers', 'Delivery', 'Ordering', 'Idempotency key', 'Correlation', 'Versioning', 'Status'], rows);
}

function driftList({ t, link }: DocContext): string {
  const items = t.channels.flatMap((ch) => ch.drift.map((n) => `- ${channelName(ch.name)}: ${n.text}${n.at ? ` (${link.ref(n.at)})` : ''}`));
  if (items.length) return items.join('\n');
  return t.architectureFile && t.channels.some((c) => c.declared) ? '_None: every declared channel matches the code._' : '_No channels are declared, so there is nothing to compare; every channel above is inferred._';
}

function apiTable({ link }: DocContext, apis: ApiView[]): string {
  return table(['API', 'Provider', 'Consumers', 'Declared timeout', 'Calls in code', 'Timeout in code', 'Status'], apis.map((a) => {
    const callers = [...new Set(a.calls.map((c) => c.caller ?? '(no service)'))];
    const undeclaredCallers = callers.filter((c) => a.declared && c !== a.provider && !a.consumers.includes(c));
    const consumers = [
      ...a.consumers,
      ...(a.external && a.declared ? callers.filter((c) => !a.consumers.includes(c)).map((c) => `${c} *(calls it; declared provider)*`) : []),
      ...undeclaredCallers.map((c) => `${c} **(calls it; not declared)**`),
    ];
    const calls = a.calls.map((c) => `${c.method ? `${c.method} ` : ''}${code(c.detail.replace(/^HTTP (GET|POST|PUT|PATCH|DELETE|HEAD) /, ''))} ${link.ref(c.at)}${c.inferred ? ` ${INFERRED}` : ''}`);
    const timeouts = a.calls.map((c) => (c.timeout ? evidence(link, c.timeout) : `${NONE_FOUND} (${link.ref(c.at)})`));
    return [
      `${code(a.name)}${a.declaredAt ? `<br>${link.ref(a.declaredAt)}` : ''}`,
      a.provider ? `${a.provider}${a.external ? ' (wraps an external API)' : ''}` : '*external*',
      lines(consumers) || '*none declared*',
      a.timeoutMs !== undefined ? `${a.timeoutMs} ms` : '*not declared*',
      lines(calls) || (a.declared ? '*none found in code*' : ''),
      lines([...new Set(timeouts)]) || '',
      a.declared ? (undeclaredCallers.length ? 'declared; drift' : 'declared') : '**observed in code only**',
    ];
  }));
}
