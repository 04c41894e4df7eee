import { Node } from 'ts-morph';
import { createRule } from './createRule';
import { guardedByStateTransition } from './stateTransitionGuard';
import { writtenStores } from './existenceCheckGuard';
import { effectDeduplicated, handlerDeduplicates } from './dedupeEvidence';
import { describeAt } from './describe';
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { acknowledgedAt, afterAcknowledge } from './acknowledgedFirst';
import { inboxFix } from '../fixes/inbox';
import { consumerDelivery, type ConsumerDelivery } from './consumerDelivery';
import { consequence, isAppendOnly, isQuery, isReadOnlyRequest, nameOf } from './rootCause';
import { destinationOf, handlerNames, hopIndex, type HopIndex } from '../facts/hops';
import { isRequeue as resendsIncoming, isSameJobAgain } from '../facts/requeue';
import { signalOnly } from '../facts/libraries/delivery';
import { telemetryChannel } from '../facts/libraries/telemetry';
import { realtimePush } from '../facts/libraries/realtimePush';
import type { Reached } from '../facts/effects';
import { isOutboxTable } from '../facts/sql';
import { unfedJobHandler } from './unfedJobHandler';
import { scheduledJobHandler } from './scheduledJobHandler';
import { derivedByOwnConsumers } from './ownFollowUpJob';
import { inUnregisteredController, unreferencedClassMethod } from '../facts/reachability';
import { isReply } from '../facts/replies';
import { declarationOf, receiver } from '../facts/syntax';

export const nonIdempotentConsumer = createRule({
  id: 'non-idempotent-consumer',
  description: 'Message handlers with a non-idempotent side effect must deduplicate on the message identity.',
  defaultSeverity: 'error',
  defaultOptions: { reportAppendOnly: false },
  fixes: ['Guard with an inbox (dedupe on the message id the library provides)'],
  messages: {
    unguarded: {
      message: '{{handler}} {{effect}} ({{where}}) with no deduplication on the message identity, so a redelivered message repeats it. {{delivery}}.{{minor}}{{also}}',
      hint: 'Record the message id in an inbox (processed-messages) table with INSERT ... ON CONFLICT DO NOTHING in the same transaction as the side effect, and skip the work when the id was already there.{{alternative}}{{outbox}}',
    },
  },
  check({ model, report, options }) {
    const reportAppendOnly = options.reportAppendOnly === true;
    // One finding per handler: a handler registered for several channels (two decorators, one
    // function passed to several consumers) is one root cause; the other registrations are related.
    let hops: HopIndex | undefined;
    const hopsOf = () => (hops ??= hopIndex(model));
    let names: Map<Node, string[]> | undefined;
    const resends = (fact: Fact) => resendsIncoming(fact, (names ??= handlerNames(model)), model.analysis);
    const sameJobAgain = (fact: Fact) => isSameJobAgain(fact, (names ??= handlerNames(model)), model.analysis);
    const byHandler = new Map<Node, Fact[]>();
    for (const consumer of model.facts) {
      if (consumer.kind !== 'consumer' || !consumer.handler) continue;
      byHandler.set(consumer.handler, [...(byHandler.get(consumer.handler) ?? []), consumer]);
    }
    // Handlers found at risk, reported after grouping: several handlers registered on one channel that repeat the
    // same effects (three `new Worker('backups', ...)` running one job function) are one finding.
    const pending: { consumer: Fact; delivery: ConsumerDelivery; reached: Reached[]; ranked: Reached[]; others: { consumer: Fact }[]; key: string | undefined }[] = [];
    for (const [handler, all] of byHandler) {
      // A `@Process('send-batch')` for a job name no producer of its queue adds runs in no execution (unfedJobHandler.ts), nor
      // does a handler of a `@Controller` no module lists (reachability.ts). A handler fed only by repeatable jobs runs the
      // same data on every tick: a re-run is one more tick (scheduledJobHandler.ts).
      const registrations = all.filter((c) => !unfedJobHandler(model, c) && !scheduledJobHandler(model, c) && !inUnregisteredController(model, c.handler!));
      if (!registrations.length) continue;
      // An override in a class nothing constructs, registers or injects never runs (reachability.ts).
      const reached = model.effects.of(handler).filter((r) => !r.path.some((fn) => unreferencedClassMethod(model, fn)));
      if (handlerDeduplicates(model, handler)) continue;
      // A consumer of telemetry channels (metrics, analytics, health probes) repeats a data point, not a business effect.
      if (registrations.every((c) => !!c.channel && telemetryChannel(c))) continue;
      // Registrations whose transport cannot redeliver (request/response, at most once) are not at risk.
      const atRisk = registrations.map((consumer) => ({ consumer, delivery: consumerDelivery(model, consumer) })).filter((x) => x.delivery.redelivers !== false);
      if (!atRisk.length) continue;
      const { consumer, delivery } = atRisk.find((x) => x.delivery.redelivers === true && x.delivery.direct) ?? atRisk[0];
      const written = writtenStores(reached);
      // A realtime push (a websocket refresh of the current state) repeated is a second refresh, not a second effect.
      let risky = reached.filter((r) => r.fact.nonIdempotent && ['write', 'publish', 'http', 'sideEffect'].includes(r.fact.kind) && knownEndpoint(r.fact) && !atRisk.some((x) => isRequeue(x.consumer, r.fact, resends)) && !sameJobAgain(r.fact) && !throughDeadLetterSender(r) && !isQuery(r) && !isReadOnlyRequest(model, hopsOf(), r) && !realtimePush(r, model.analysis) && !isReply(r) && !listenerSignal(model, r, hopsOf) && !absorbedDownstream(model, r, hopsOf) && !effectDeduplicated(model, handler, r, written));
      // Effects after the handler acknowledged its message run at most once: the broker will not redeliver it (acknowledgedFirst.ts).
      const acked = risky.length ? acknowledgedAt(handler, model.analysis) : undefined;
      if (acked !== undefined) risky = risky.filter((r) => !afterAcknowledge(r, acked));
      if (!risky.length) continue;
      // A state-machine check before the effects, and a flow that moves the state on: a repeat stops at the check.
      if (guardedByStateTransition(handler, risky, (c) => model.analysis.resolveCallee(c))) continue;
      // An outbox relay (a consumer of an outbox stream or queue that only forwards what it reads):
      // publishing each entry at least once is its job; the consumers downstream deduplicate.
      if (registrations.every((c) => isOutboxTable(c.channel)) && risky.every((r) => r.fact.kind === 'publish')) continue;
      // The headline is the most consequential effect (payment > e-mail > HTTP > publish > write > log row).
      const ranked = uniqueByNode(risky).sort((a, b) => consequence(a.fact) - consequence(b.fact));
      const others = atRisk.filter((x) => x.consumer !== consumer).sort((a, b) => a.consumer.node.getStart() - b.consumer.node.getStart());
      // Replicas: the same registration (library, channel and job name, as the detail says) and the same effects.
      const key = consumer.channel ? `${consumer.library}|${consumer.detail}|${ranked.map((r) => `${model.relOf(r.fact.node)}:${r.fact.node.getStart()}`).join(',')}` : undefined;
      const same = key ? pending.find((x) => x.key === key) : undefined;
      if (same) same.others.push({ consumer }, ...others);
      else pending.push({ consumer, delivery, reached, ranked, others, key });
    }
    for (const { consumer, delivery, reached, ranked, others } of pending) {
      const first = ranked[0];
      const major = ranked.filter((r) => !isAppendOnly(r.fact));
      // Only append-only rows repeat (a log, audit or analytics row): duplicates a reader tolerates, reported on request.
      if (!major.length && !reportAppendOnly) continue;
      const direct = delivery.redelivers === true && delivery.direct;
      report({
        messageId: 'unguarded',
        data: {
          handler: `The ${consumer.detail}`, effect: effectVerb(first.fact.kind, first.fact.detail), where: describeAt(model, first.fact.node),
          alternative: alternativeFor(first.fact),
          // Today the repeat also re-sends its events; once the handler deduplicates, the repeat skips them (dual-write's case).
          outbox: reached.some((r) => r.fact.kind === 'write' && !isAppendOnly(r.fact)) && reached.some((r) => r.fact.kind === 'publish' && !isReply(r) && !r.fact.request)
            ? ' The handler also publishes: once it skips repeats, a message whose first delivery wrote but died before publishing would never publish, so write the event to an outbox table in that same transaction.' : '',
          delivery: direct ? capitalize(delivery.said) : `Inferred: ${delivery.said}`,
          minor: major.length ? '' : ' Only append-only records (log, audit, history, activity, analytics rows) are repeated: duplicates a reader must tolerate, not a repeated charge or message.',
          also: others.length ? ` The same handler is also registered ${others.length === 1 ? 'as' : `${others.length} more times:`} ${others.slice(0, 3).map((x) => `the ${x.consumer.detail}`).join(', ')}${others.length > 3 ? ', ...' : ''}.` : '',
        },
        maxSeverity: !major.length ? 'info' : direct ? undefined : 'warning',
        inferred: !direct,
        location: model.locationOf(consumer.node),
        snippet: consumer.detail,
        related: [
          ...ranked.slice(0, 3).map((r) => ({ ...model.locationOf(r.fact.node), message: `${r.fact.detail}: repeated on every redelivery` })),
          ...others.slice(0, 5).map((x) => ({ ...model.locationOf(x.consumer.node), message: `also registered as the ${x.consumer.detail}` })),
        ],
        fixes: () => inboxFix(model, consumer),
      });
    }
  },
});

/** One entry per effect (a fact reached through two calls is one effect), in the order reached. */
function uniqueByNode(list: Reached[]): Reached[] {
  const seen = new Set<Node>();
  return list.filter((r) => (seen.has(r.fact.node) ? false : (seen.add(r.fact.node), true)));
}

/** Retry and dead-letter destinations: putting the message there is a requeue, not a new event. */
const RETRY_CHANNEL = /retry|dlq|dead.?letter|delay|parking/i;

/**
 * A requeue of the message being handled (`channel.sendToQueue(queue, msg.content, msg.properties)`
 * back to its own queue or to a retry/dead-letter one, or any publish there from a `catch` block,
 * such as `XADD stream * event e payload p retries n+1`) is not a new publish: it is the same
 * message, and its consumer sees it as a redelivery.
 */
function isRequeue(consumer: Fact, fact: Fact, resends: (fact: Fact) => boolean): boolean {
  if (fact.kind !== 'publish') return false;
  const call = fact.node.getFirstAncestor((a) => Node.isCallExpression(a));
  if (!call || !Node.isCallExpression(call)) return false;
  const inCatch = !!call.getFirstAncestor((a) => Node.isCatchClause(a));
  // The incoming message's own body sent again from a `catch` (a retry with a counter header, to a queue named in
  // configuration): the same message, whatever the destination's name (facts/requeue.ts follows the data).
  if (inCatch && resends(fact)) return true;
  const sameChannel = (!!fact.channel && fact.channel === consumer.channel) || sameQueueObject(consumer, call) || RETRY_CHANNEL.test(fact.channel ?? call.getArguments()[0]?.getText() ?? '');
  if (!sameChannel) return false;
  // Put back on its own or a retry queue from a `catch`: the failed message again (often with a retry count), not a new event.
  if (inCatch) return true;
  if (!consumer.messageNames?.length) return false;
  const names = consumer.messageNames.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const carried = new RegExp(`^(${names.join('|')})(\\.(content|value|body|Body|data))?$`);
  return call.getArguments().some((a) => carried.test(a.getText()));
}

/** `eventQueue.add(job.data)` inside `eventQueue.process(...)`'s handler: the queue object it consumes from, whatever its name. */
function sameQueueObject(consumer: Fact, call: Node): boolean {
  const registration = consumer.node.getFirstAncestor((a) => Node.isCallExpression(a));
  const consumed = registration ? receiver(registration) : undefined;
  const sent = receiver(call);
  if (!consumed || !sent || !Node.isIdentifier(consumed) || !Node.isIdentifier(sent)) return false;
  const decl = declarationOf(consumed);
  return !!decl && decl === declarationOf(sent);
}

/** Functions named as dead-letter senders (`publishToDLQ(event, error)`, `sendToDeadLetterQueue`). */
const DEAD_LETTER_SENDER = /dlq|dead.?letter|parking.?lot/i;

/** A publish reached through a dead-letter sender: the failed message parked for an operator, not a new effect of the handler. */
function throughDeadLetterSender(r: Reached): boolean {
  return r.path.some((fn) => DEAD_LETTER_SENDER.test(nameOf(fn).getText()));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A fix specific to the first risky effect, when there is a cheaper one than an inbox. */
function alternativeFor(fact: Fact): string {
  if (fact.kind === 'sideEffect' && fact.library === 'stripe') return ' For the Stripe call alone, passing `{ idempotencyKey }` derived from the message id also works.';
  if (fact.kind === 'http') return ' For the HTTP call alone, an `Idempotency-Key` header derived from the message id also works if the other service honours it.';
  if (fact.kind === 'publish') return ' For the publish alone, a deterministic id derived from the message id (BullMQ `jobId`, SQS FIFO `MessageDeduplicationId`) also works.';
  if (fact.kind === 'write' && /increment|\$inc/.test(fact.detail)) return ' Or make the write conditional on the message id, so a repeat matches no row.';
  return '';
}

function effectVerb(kind: string, detail: string): string {
  switch (kind) {
    case 'write': return `writes \`${detail}\``;
    case 'publish': return `publishes (\`${detail}\`)`;
    case 'http': return `calls \`${detail}\``;
    default: return detail;
  }
}

/**
 * An HTTP call counts as a repeated effect only where the engine can say what it reaches: a service
 * of the system (its target), a host the code names (`https://api.supplier.example`), or an env var
 * the URL is read from (`${process.env.SALESFORCE_URL}/cases`: a configured system). A URL the engine
 * cannot trace to any of these (`api.post(updateJobUrl)` on a base URL a config helper returns)
 * reaches an endpoint it knows nothing about, and whether a repeat there matters is a guess: the rule
 * stays silent (the audits found such calls were mostly set-to-value or find-or-create endpoints of
 * the system's own API).
 */
function knownEndpoint(fact: Fact): boolean {
  return fact.kind !== 'http' || fact.target !== undefined || fact.origin !== undefined || !!fact.urlEnvs?.length;
}

/**
 * A raw Redis PUBLISH that no other service of the workspace subscribes to: a signal to whoever listens
 * now (replicas, live connections), repeated as a second signal, not a second business effect.
 */
function listenerSignal(model: SystemModel, r: Reached, hops: () => HopIndex): boolean {
  return signalOnly(r.fact) && destinationOf(r.fact, model.serviceOf(r.fact.node)?.name, hops()).kind !== 'other';
}

/**
 * A publish whose consumers are the service's own and only derive data a repeat does not add to
 * (ownFollowUpJob.ts): a duplicate makes them redo the same derivation (a backfill worker queuing
 * its next page twice runs the page twice), a second run, not a second effect.
 */
function absorbedDownstream(model: SystemModel, r: Reached, hops: () => HopIndex): boolean {
  return r.fact.kind === 'publish' && derivedByOwnConsumers(model, r.fact, hops(), r.path.length ? r.via : undefined);
}
