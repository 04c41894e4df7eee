/**
 * failure-modes.md: the failure-mode catalogue as scenario tables derived
 * from the real topology (per channel, per sync call, per datastore, per
 * 2PC/lock site), each with its impact, the mitigation found in code (or
 * "none found") and the recovery path; then the signals that reveal stuck,
 * duplicated or divergent work.
 */
import { code, document, heading, lines, table, text, type Linker } from '../markdown';
import type { ApiView, ChannelView, ConsumerView, CoordinationSite, DatastoreView, SyncCallView } from '../topology/types';
import type { DocContext } from './context';
import { NONE_FOUND, capped, channelName, evidence, flowOf } from './format';

const HEADERS = ['Scenario', 'Impact', 'Mitigation found in code', 'Recovery path'];

export function renderFailureModes(ctx: DocContext): string {
  const { t } = ctx;
  return document([
    heading(1, `Failure-mode catalogue: ${text(t.system)}`),
    'Failure scenarios derived from the channels, synchronous calls and datastores of this system. ' +
      `"Mitigation found in code" lists what the analysis saw, with a link; ${NONE_FOUND} means nothing was found, ` +
      'not that nothing exists (a guard in a library the analysis cannot see is not counted).',
    heading(2, 'Failure scenario table'),
    heading(3, 'Channels'),
    t.channels.length ? t.channels.map((ch) => channelSection(ctx, ch)).join('\n\n') : '_No channels._',
    heading(3, 'Synchronous calls'),
    t.apis.some((a) => a.calls.length) ? t.apis.filter((a) => a.calls.length).map((a) => apiSection(ctx, a)).join('\n\n') : '_No synchronous calls found in code._',
    heading(3, 'Datastores'),
    t.datastores.length ? table(HEADERS, t.datastores.map((d) => datastoreRow(ctx, d))) : '_No datastores._',
    t.coordination.length ? heading(3, 'Coordination') : undefined,
    t.coordination.length ? table(HEADERS, t.coordination.map((c) => coordinationRow(ctx.link, c))) : undefined,
    heading(2, 'Signals for stuck, duplicated or divergent work'),
    signals(ctx),
  ]);
}

function channelSection({ link }: DocContext, ch: ChannelView): string {
  const name = channelName(ch.name);
  const rows: string[][] = [];
  for (const c of ch.consumers) {
    const who = `${name} → ${c.service ?? '?'}`;
    rows.push(duplicate(link, who, c));
    rows.push(reorder(link, who, ch, c));
    rows.push(poison(link, who, ch, c));
    rows.push(crash(link, who, c));
  }
  rows.push(partition(link, ch));
  return [heading(4, `${name} (${ch.broker ?? 'broker unknown'}, ${flowOf(ch)})`), table(HEADERS, rows)].join('\n\n');
}

function effectsText(link: Linker, c: ConsumerView): string {
  return capped(c.effects.map((e) => `${code(e.detail)} ${link.ref(e.at)}`), 3).join(', ');
}

function duplicate(link: Linker, who: string, c: ConsumerView): string[] {
  const scenario = `Duplicate delivery: ${who}`;
  if (c.dedupe) return [scenario, 'None expected: the duplicate is recognised and skipped.', evidence(link, c.dedupe, 'dedupe'), 'None needed.'];
  if (!c.effects.length) return [scenario, 'No non-idempotent effect found in the handler; a duplicate repeats idempotent work only.', 'not needed', 'None needed.'];
  return [
    scenario,
    `Each redelivery or replay repeats ${effectsText(link, c)}.`,
    `${NONE_FOUND}${c.unguardedFinding ? ` (finding ${link.ref(c.unguardedFinding)})` : ''}`,
    'Find the repeated effects by message id and compensate them; add an inbox (dedupe on the message id) to the handler.',
  ];
}

function reorder(link: Linker, who: string, ch: ChannelView, c: ConsumerView): string[] {
  const ordering = ch.declared?.ordering;
  const keyed = ch.producers.map((p) => p.keyed).filter((k) => !!k);
  const impact = ordering && /^none$/i.test(ordering.trim())
    ? 'Declared unordered: the handler must accept messages in any order.'
    : `A later message for the same entity can be handled before an earlier one${ordering ? ` (declared ordering: ${code(ordering)})` : ' (no ordering declared)'}.`;
  const mitigations = [
    ...keyed.map((k) => `${evidence(link, k, 'message key')} (per-key order within a partition)`),
  ];
  const recovery = /kafka/i.test(ch.broker ?? '') ? 'Replay the affected partition from an earlier offset, or reconcile against the source of truth.' : 'Reconcile against the source of truth.';
  return [`Reordering: ${who}`, impact, lines(mitigations) || NONE_FOUND, recovery];
}

function poison(link: Linker, who: string, ch: ChannelView, c: ConsumerView): string[] {
  const broker = (ch.broker ?? '').toLowerCase();
  let impact: string;
  if (broker.includes('kafka')) impact = 'The handler fails on every attempt: if the error propagates, the consumer does not commit past the message and its partition stalls; if it is caught and logged, the message is skipped.';
  else if (broker.includes('rabbit')) {
    impact = c.requeue
      ? 'The message is requeued and redelivered at once, forever: a hot loop that also delays the rest of the queue (requeued messages never reach a dead-letter exchange).'
      : 'The message is rejected or redelivered depending on the ack mode; without a dead-letter exchange it is lost or loops.';
  } else if (broker.includes('bullmq')) impact = 'The job is retried up to its attempts, then stays in the failed set; later jobs keep flowing.';
  else if (broker.includes('sqs')) impact = 'The message returns after each visibility timeout until the redrive policy moves it away.';
  else impact = 'The handler fails on every attempt; what happens next depends on the broker\'s retry policy.';
  const mitigations = [
    evidence(link, c.deadLetter, 'dead letter'),
    evidence(link, c.retry, 'retry'),
    evidence(link, c.requeue, 'requeue on failure'),
  ].filter(Boolean);
  const recovery = c.deadLetter
    ? 'Inspect the dead-lettered message, fix the cause, and replay it.'
    : c.retry && broker.includes('bullmq') ? 'Inspect the failed job, fix the cause, and retry it.' : 'Skip or park the message by hand, fix the cause, and replay it.';
  return [`Poison message: ${who}`, impact, lines(mitigations) || NONE_FOUND, recovery];
}

function crash(link: Linker, who: string, c: ConsumerView): string[] {
  const scenario = `Consumer crash mid-processing: ${who}`;
  const mitigations = [evidence(link, c.transaction, 'transaction'), evidence(link, c.dedupe, 'dedupe')].filter(Boolean);
  if (!c.effects.length) {
    return [scenario, 'The message is redelivered; no non-idempotent effect found to repeat.', lines(mitigations) || 'not needed', 'Redelivery completes the work.'];
  }
  let impact: string;
  if (c.dedupe && c.transaction) impact = 'The transaction rolls back with its dedupe record; the redelivery starts clean. Effects outside the transaction (messages, calls, e-mail) can still repeat.';
  else if (c.dedupe) impact = 'The dedupe record and the effects are not committed together: a crash between them skips the work on redelivery or repeats it.';
  else impact = `The message is redelivered and the effects that ran before the crash run again: ${effectsText(link, c)}.`;
  const recovery = c.dedupe && c.transaction ? 'Redelivery completes the work.' : 'Reconcile the partially applied effects; make the handler atomic with an inbox in the same transaction.';
  return [scenario, impact, lines(mitigations) || NONE_FOUND, recovery];
}

function partition(link: Linker, ch: ChannelView): string[] {
  const name = channelName(ch.name);
  const impacts: string[] = [];
  const mitigations: string[] = [];
  for (const p of ch.producers) {
    if (p.via === 'outbox') {
      impacts.push(`${p.service ?? '?'}: events wait in the outbox; nothing is lost.`);
      mitigations.push(`outbox ${link.ref(p.at)}${p.relay ? `, relay ${link.ref(p.relay)}` : ''}`);
    } else if (p.dualWrite) {
      impacts.push(`${p.service ?? '?'}: the publish at ${link.ref(p.at)} fails after the write committed: the event is lost (dual write).`);
    } else {
      impacts.push(`${p.service ?? '?'}: the publish at ${link.ref(p.at)} fails and its caller sees the error.`);
    }
  }
  if (!ch.producers.length) impacts.push('Producer not found in code.');
  if (ch.consumers.length) impacts.push('Consumers stop receiving; lag grows until the partition heals.');
  const recovery = ch.producers.some((p) => p.via === 'outbox')
    ? 'The relay drains the outbox when the broker is reachable; consumers resume from their committed position.'
    : 'Consumers resume from their committed position; events lost by direct publishes must be found and republished by hand.';
  return [`Broker partition: ${name}`, lines(impacts), lines(mitigations) || NONE_FOUND, recovery];
}

function apiSection({ link }: DocContext, a: ApiView): string {
  const rows = a.calls.flatMap((c) => [timeoutRow(link, a, c), partialRow(link, a, c)]);
  const callers = [...new Set(a.calls.map((c) => c.caller ?? '?'))].join(', ');
  return [heading(4, `${code(a.name)} (${callers} → ${a.external ? 'external' : a.provider ?? '?'})`), table(HEADERS, rows)].join('\n\n');
}

function callText(link: Linker, c: SyncCallView): string {
  return `${code(c.detail)} ${link.ref(c.at)}`;
}

function timeoutRow(link: Linker, a: ApiView, c: SyncCallView): string[] {
  const scenario = `Timeout: ${callText(link, c)}`;
  const declared = a.timeoutMs !== undefined ? ` (declared ${a.timeoutMs} ms)` : '';
  const impact = c.timeout
    ? `The caller waits up to the timeout${declared}, then its request or handler fails.`
    : 'The caller waits until the socket gives up; its requests or handlers pile up behind the slow dependency.';
  const mitigations = [evidence(link, c.timeout, 'timeout'), evidence(link, c.retry, 'retry'), evidence(link, c.breaker, 'circuit breaker')].filter(Boolean);
  return [scenario, impact, lines(mitigations) || NONE_FOUND, 'The caller\'s own retry (client retry or message redelivery) repeats the call once the dependency answers.'];
}

function partialRow(link: Linker, a: ApiView, c: SyncCallView): string[] {
  const scenario = `Partial failure: ${callText(link, c)}`;
  const safe = ['GET', 'HEAD', 'OPTIONS'].includes((c.method ?? '').toUpperCase());
  if (safe) return [scenario, 'A read: failing or repeating it changes nothing at the provider.', 'not needed', 'Retry.'];
  const impact = `The provider may have completed the ${c.method ? `${c.method} ` : ''}call while the caller saw an error; retrying repeats it${a.external ? ' at the external provider' : ''}.`;
  return [
    scenario,
    impact,
    c.idempotencyKey ? evidence(link, c.idempotencyKey, 'idempotency key') : NONE_FOUND,
    c.idempotencyKey ? 'Retry with the same idempotency key.' : 'Reconcile with the provider before retrying; send an idempotency key derived from the operation.',
  ];
}

function datastoreRow({ t, link }: DocContext, d: DatastoreView): string[] {
  const users = [...new Set(d.uses.map((u) => u.service))];
  const channels = t.channels.filter((ch) => ch.consumers.some((c) => c.service && users.includes(c.service))).map((ch) => channelName(ch.name));
  const impacts = [
    users.length ? `${users.join(', ')} cannot read or write ${d.name}.` : `${d.name}: no use found in code.`,
    channels.length ? `Message handlers there that use it fail and are redelivered (${users.join(', ')} consume${users.length === 1 ? 's' : ''} ${channels.join(', ')}).` : '',
    d.shared ? `Shared: one outage stops ${users.length > 1 ? 'several services' : 'a service that does not own it'}.` : '',
  ];
  const pending = t.outboxes.filter((o) => o.service && users.includes(o.service) && d.owner === o.service);
  const mitigations = pending.map((o) => `outbox ${link.ref(o.at)} keeps events with the data`);
  return [
    `Loss of primary: ${d.name}${d.declaredAt ? ` ${link.ref(d.declaredAt)}` : ''}`,
    lines(impacts),
    lines([...mitigations, 'replication and failover: not visible in code']),
    'Fail over to a replica (not recorded in the architecture file); at-least-once consumers catch up from their committed positions.',
  ];
}

function coordinationRow(link: Linker, c: CoordinationSite): string[] {
  const justification = c.justifiedBy ? `justified in ${code(c.justifiedBy)} ${link.ref(c.justificationAt)}` : '';
  if (c.pattern === 'two-phase-commit') {
    return [
      `Coordinator crash between prepare and commit: ${code(c.fn)} ${link.ref(c.at)}`,
      'Prepared transactions stay in doubt and hold their locks on every participant until someone resolves them.',
      justification || NONE_FOUND,
      'Resolve in-doubt transactions (for Postgres, from `pg_prepared_xacts`) following a runbook.',
    ];
  }
  return [
    `Lock holder pauses past the lock's expiry: ${code(c.fn)} ${link.ref(c.at)}`,
    'Two replicas hold the lock at once; the guarded work runs twice concurrently.',
    justification || NONE_FOUND,
    'Make the guarded work idempotent or fence it with a token checked by the datastore.',
  ];
}

function signals({ t, link }: DocContext): string {
  const rows: string[][] = [];
  for (const o of t.outboxes) rows.push(['Age of the oldest unpublished outbox row', 'A stuck relay or an unreachable broker', lines([link.ref(o.at), o.relay ? link.ref(o.relay) : ''])]);
  for (const ch of t.channels) {
    if (ch.consumers.length) rows.push([`Consumer lag on ${channelName(ch.name)}`, /kafka/i.test(ch.broker ?? '') ? 'Stuck or slow handlers; a poison message blocking a partition' : 'Stuck or slow handlers', lines(ch.consumers.map((c) => `${c.service ?? '?'} ${link.ref(c.at)}`))]);
    for (const c of ch.consumers) {
      if (c.dedupe) rows.push([`Duplicates skipped by ${c.service ?? '?'} on ${channelName(ch.name)}`, 'Redelivery and replay volume (rebalances, relay retries)', link.ref(c.dedupe.at)]);
      if (c.deadLetter) rows.push([`Dead-letter depth for ${channelName(ch.name)} (${c.service ?? '?'})`, 'Poison messages set aside', link.ref(c.deadLetter.at)]);
      if (c.retry && /bullmq/i.test(ch.broker ?? '')) rows.push([`Failed and retrying jobs in ${channelName(ch.name)}`, 'Jobs that exhausted or are using their retries', link.ref(c.retry.at)]);
    }
  }
  for (const c of t.coordination) {
    if (c.pattern === 'two-phase-commit') rows.push([`In-doubt prepared transactions (${code(c.fn)})`, 'A coordinator that died between prepare and commit', link.ref(c.at)]);
  }
  for (const w of t.workflows) rows.push([`Sagas of ${code(w.name)} not completed or compensated within their deadline`, 'Stuck workflows', link.ref(w.at)]);
  if (!rows.length) return '_No signals derived: no outbox, consumer, 2PC or workflow found._';
  return table(['Signal', 'What it reveals', 'Where'], rows);
}

