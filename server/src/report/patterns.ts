/**
 * What each pattern buys and costs, in the words of the seeds' pattern
 * selection matrix. The report picks the rows for the patterns it finds.
 * What a consumer-side row says about delivery follows the transport table
 * (facts/libraries/delivery.ts) for the handlers in that row: at least once
 * where the transport redelivers, request/response or at most once otherwise.
 */
import { TRANSPORTS, type TransportId } from '../engine/facts/libraries/delivery';

export interface PatternInfo {
  name: string;
  rationale: string;
  tradeoff: string;
}

export const PATTERNS = {
  outbox: {
    name: 'Transactional outbox',
    rationale: 'The event is written in the same local transaction as the state change and relayed afterwards, so the database and the broker cannot disagree.',
    tradeoff: 'Extra table and relay process; events arrive with relay latency and may be published more than once (consumers must dedupe).',
  },
  dualWrite: {
    name: 'Direct publish after a write (dual write)',
    rationale: 'Simplest code path: write, then publish.',
    tradeoff: 'A crash or broker outage between the two loses the event (or publishes one for a rolled-back write); nothing retries it.',
  },
  inbox: {
    name: 'Inbox (processed-messages table)',
    rationale: 'Recording the message id with the effects makes a redelivery or replay a no-op.',
    tradeoff: 'One insert per message and a table to prune; the effects must share the inbox row\'s transaction to be exact.',
  },
  marker: {
    name: 'Processed-message marker (SET NX)',
    rationale: 'A cheap dedupe key per message when the effect cannot share a database transaction (e-mail, external API).',
    tradeoff: 'Marker and effect are not atomic: a crash between them loses or repeats the effect; the marker\'s TTL bounds the dedupe window.',
  },
  dedupe: {
    name: 'Deduplication on the message identity',
    rationale: 'Redelivered messages are recognised and skipped.',
    tradeoff: 'Needs a stable message id from the producer and storage for seen ids.',
  },
  noDedupe: {
    name: 'None (at-least-once without deduplication)',
    rationale: 'No extra storage or coordination.',
    tradeoff: 'Every redelivery, rebalance or replay repeats the handler\'s side effects.',
  },
  noRedelivery: {
    name: 'None needed (request/response or at-most-once transport)',
    rationale: 'Nothing redelivers a message on these transports, so a handler runs once per message sent.',
    tradeoff: 'A handler that crashes loses its message (or fails the request); a producer or client that retries sends a new message, and the handler repeats its effects for it.',
  },
  sagaChoreography: {
    name: 'Saga (choreography)',
    rationale: 'Each service reacts to the previous step\'s event and owns its local transaction; no central coordinator to fail.',
    tradeoff: 'The workflow is implicit in the event flow; compensations must be explicit, idempotent and tested, and stuck sagas need monitoring.',
  },
  sagaOrchestration: {
    name: 'Saga (orchestration)',
    rationale: 'A coordinator drives the steps and compensations, so the workflow is explicit and observable.',
    tradeoff: 'The orchestrator is a critical component and couples to every participant\'s API.',
  },
  twoPhaseCommit: {
    name: 'Two-phase commit',
    rationale: 'Atomic commit across datastores when the business cannot tolerate a window of disagreement.',
    tradeoff: 'Blocks every participant while the coordinator is down; in-doubt transactions need a recovery procedure; couples availability of all participants.',
  },
  distributedLock: {
    name: 'Distributed lock',
    rationale: 'Mutual exclusion across replicas for work that must not run concurrently.',
    tradeoff: 'Fails open under clock drift, GC pauses and partitions (two holders); needs fencing or idempotent work to be safe.',
  },
  timeout: {
    name: 'Timeout on synchronous calls',
    rationale: 'Bounds how long a caller waits on a slow dependency, so failures surface instead of piling up.',
    tradeoff: 'A timed-out call may still complete at the provider: retries need an idempotency key.',
  },
  noTimeout: {
    name: 'None (no timeout found)',
    rationale: 'Library defaults.',
    tradeoff: 'A hung dependency holds the caller\'s requests or handlers until the socket gives up.',
  },
  idempotencyKey: {
    name: 'Idempotency key on outgoing calls',
    rationale: 'The provider recognises a retried request and returns the first result.',
    tradeoff: 'The key must be derived from the business operation (not random per attempt) and the provider must support it.',
  },
  circuitBreaker: {
    name: 'Circuit breaker',
    rationale: 'Stops calling a failing dependency and fails fast until it recovers.',
    tradeoff: 'Needs thresholds and a fallback; a half-open probe can still hit a struggling dependency.',
  },
  deadLetter: {
    name: 'Dead-letter queue',
    rationale: 'A message that keeps failing is set aside so the rest of the channel keeps flowing.',
    tradeoff: 'Someone must watch, fix and replay the dead letters.',
  },
  boundedRetry: {
    name: 'Bounded retries with backoff',
    rationale: 'Transient failures recover without manual work; backoff avoids hammering a struggling dependency.',
    tradeoff: 'Retries repeat non-idempotent effects and delay later messages.',
  },
  correlation: {
    name: 'Correlation id propagation',
    rationale: 'Each hop carries the flow\'s correlation (and causation) id, so one business flow can be traced across services.',
    tradeoff: 'Every producer and handler must copy the ids; one missed hop splits the trace.',
  },
  tracing: {
    name: 'OpenTelemetry auto-instrumentation',
    rationale: 'Trace context (traceparent) propagates through instrumented clients without code changes.',
    tradeoff: 'Carries the technical trace, not the business correlation id; only instrumented libraries propagate.',
  },
  eventual: {
    name: 'Eventual consistency via events',
    rationale: 'Services stay available and independently deployable; state converges after the messages are processed.',
    tradeoff: 'Readers can see stale or intermediate state; divergence needs reconciliation and visible handling.',
  },
  strong: {
    name: 'Strong consistency',
    rationale: 'Readers never see a state the business considers invalid.',
    tradeoff: 'Costs availability and latency under partition (CP); needs coordination across the data involved.',
  },
  sharedDatabase: {
    name: 'Shared database across services',
    rationale: 'Convenient access to another service\'s data.',
    tradeoff: 'Couples schemas, deployments and failures; bypasses the owner\'s rules.',
  },
  replication: {
    name: 'Not visible in code',
    rationale: 'Replication topology and failover are configured outside the code and are not recorded in the architecture file.',
    tradeoff: 'Unknown: record them (see the open questions).',
  },
} satisfies Record<string, PatternInfo>;

export type PatternKey = keyof typeof PATTERNS;

/** How the handlers of a consumer-side row are delivered to, as the transport table says. */
export interface DeliveryOf {
  redelivers: boolean | undefined;
  transports: TransportId[];
}

/**
 * The delivery the handlers of a row get, in one sentence: which of their transports deliver at
 * least once, which are request/response or at most once, and how many could not be read.
 */
export function deliverySentence(consumers: DeliveryOf[]): string {
  const names = (pick: (c: DeliveryOf) => boolean, delivery: string) =>
    [...new Set(consumers.filter(pick).flatMap((c) => c.transports).filter((t) => TRANSPORTS[t].delivery === delivery).map((t) => TRANSPORTS[t].name))].sort();
  const join = (list: string[]) => list.length > 1 ? `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}` : list[0];
  const parts: string[] = [];
  const atLeastOnce = names((c) => c.redelivers === true, 'at-least-once');
  if (atLeastOnce.length) parts.push(`${join(atLeastOnce)} ${atLeastOnce.length > 1 ? 'deliver' : 'delivers'} at least once`);
  const unknown = consumers.filter((c) => c.redelivers === undefined).length;
  if (unknown) parts.push(`the transport of ${unknown} handler${unknown > 1 ? 's' : ''} could not be read (taken to redeliver)`);
  const rr = names((c) => c.redelivers === false, 'request-response');
  if (rr.length) parts.push(`${join(rr)} ${rr.length > 1 ? 'are' : 'is'} request/response`);
  const amo = names((c) => c.redelivers === false, 'at-most-once');
  if (amo.length) parts.push(`${join(amo)} ${amo.length > 1 ? 'deliver' : 'delivers'} at most once`);
  const text = join(parts) ?? '';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A consumer-side row's text, its delivery claim read from the transport table for its handlers. */
export function patternFor(key: PatternKey, consumers: DeliveryOf[]): PatternInfo {
  const info = PATTERNS[key];
  if (!consumers.length || !['inbox', 'marker', 'dedupe', 'noDedupe', 'noRedelivery'].includes(key)) return info;
  const said = deliverySentence(consumers);
  const redelivered = consumers.some((c) => c.redelivers !== false);
  if (key === 'noDedupe' || key === 'noRedelivery') return { ...info, rationale: `${said}. ${info.rationale}` };
  if (!redelivered) return { ...info, rationale: `${said}: nothing redelivers, so the dedupe guards only against a producer or client that sends the same message twice.` };
  return { ...info, rationale: `${said}. ${info.rationale}` };
}
