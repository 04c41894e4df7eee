import { Node } from 'ts-morph';
import { createRule } from './createRule';
import { describeAt } from './describe';
import { isCacheTable, isGuardTable, isOutboxTable } from '../facts/sql';
import { calleeName } from '../facts/syntax';
import type { Fact } from '../facts/facts';
import type { Reached } from '../facts/effects';
import { isUnreachable, pathRelation } from '../facts/paths';
import { realtimePush } from '../facts/libraries/realtimePush';
import { brokenOutbox, isOutboxCode, sharedTx } from './dualWriteOutbox';
import type { SystemModel } from '../model';
import { outboxFix } from '../fixes/outbox';
import { telemetryChannel } from '../facts/libraries/telemetry';
import { beforeCommitFailure, outboxFailure, publishFailure } from './dualWriteFailures';
import { consumersByHandler, entryPoints, functionsOf, isAppendOnly, isQuery, isReadOnlyRequest, nameOf } from './rootCause';
import { channelNamedAt, destinationOf, detailAt, hopIndex, namingSite, telemetryNamedAt, type Destination, type HopIndex } from '../facts/hops';
import { broadcasts, consumersBoundInInfrastructure, isJobQueueLibrary, signalOnly } from '../facts/libraries/delivery';
import { backgroundJob } from '../facts/backgroundJob';
import { ownCounterConsumers } from './ownCounterChannel';
import { repeatedByRedelivery } from './repeatedByRedelivery';
import { ownFollowUpWork } from './ownFollowUpJob';
import { runsNowhere } from '../facts/reachability';
import { lazyCreation } from './lazyCreation';
import { writeRecordsResult } from './recordsCallResult';
import { recordsTheSend } from './sentMarker';
import { leftOnFalsyAnswer } from '../facts/falsyReturnPaths';
import { throwsBeforeReturning } from '../facts/throwPaths';
import { compensatedOnFailure } from './compensatedCall';
import { declaredBestEffort } from '../facts/swallowedFailure';
import { isReply } from '../facts/replies';
import { relaysStoredRows } from './pollingRelay';
import { bestEffortWorkers } from './bestEffortJobs';
import { sentOnFailureOnly } from './failurePath';
import { isChangeStreamListener } from '../facts/libraries/mongodb';
import { reconciledFromStore, reconcilers } from './reconciledFromStore';
import { MAX_SHARED_RELATED, sharedPairs } from './dualWriteGroups';
import { flowName } from '../fixes/justification';

export const dualWrite = createRule({
  id: 'dual-write',
  description: 'A flow that writes a datastore and publishes a message (or calls another service) must use a transactional outbox.',
  defaultSeverity: 'error',
  fixes: ['Route through a transactional outbox'],
  messages: {
    dualWrite: {
      message: 'This flow writes `{{write}}` ({{writeAt}}) and {{publish}}{{order}}, but the two do not commit together: {{failure}}{{inferred}}{{also}}',
      hint: 'Insert the {{event}} into an outbox table in the same transaction as the write, and let a relay {{deliver}} it (polling with FOR UPDATE SKIP LOCKED, or CDC).',
    },
    brokenOutbox: {
      message: 'The outbox row `{{outbox}}` is written {{how}} the business write `{{write}}` ({{writeAt}}), so the two do not commit together: {{failure}}{{inferred}}',
      hint: 'Write the outbox row on the same transaction handle as the business write ({{sameTx}}), so both commit or neither does.',
    },
  },
  check({ model, report }) {
    const found: Candidate[] = [];
    const entries = new Map<Fact, { fn: Node; r: Reached }[]>();
    for (const { sourceFile } of model.files) {
      for (const fn of functionsOf(sourceFile)) {
        const flows = flowsOf(model, fn, model.effects.of(fn));
        found.push(...flows.flows);
        for (const r of flows.reachedThroughCallee) entries.set(r.fact, [...(entries.get(r.fact) ?? []), { fn, r }]);
      }
    }
    let hops: HopIndex | undefined;
    const hopsOf = () => (hops ??= hopIndex(model));
    // Where a reached publish's channel is named: the call on the way that gives it (hops.ts namingSite), else the flow's call.
    const namedAt = (r: Reached) => namingSite(r, model.analysis) ?? siteOf(r);
    const refreshes = ownRefreshes(model, found, hopsOf);
    // A request answered by handlers that only read is a read over RPC, not a change to announce.
    const candidates = found.filter((c) => !refreshes.has(c) && !isReadOnlyRequest(model, hopsOf(), c.at));
    const consumers = consumersByHandler(model);
    const byFact = new Map<Fact, Candidate[]>();
    for (const c of candidates) byFact.set(c.at.fact, [...(byFact.get(c.at.fact) ?? []), c]);
    const reportedAt = new Set<string>();
    const ownCounter = new Map<Fact, boolean>();
    const bestEffort = new Map<Fact, boolean>();
    const callersOf = (c: Candidate) => (entries.get(c.at.fact) ?? []).filter((e) => e.r.path.includes(c.fn)).map((e) => ({ fn: e.fn, path: e.r.path, via: e.r.via }));
    // Where a candidate's publish goes, as seen from the flow's call (a wrapper's caller names the channel).
    const destinations = new Map<Candidate, Destination>();
    const destinationAt = (c: Candidate): Destination => {
      let d = destinations.get(c);
      if (!d) destinations.set(c, d = destinationOf(c.at.fact, model.serviceOf(c.at.fact.node)?.name, hopsOf(), namedAt(c.at)));
      return d;
    };
    let runners: Node[] | undefined;
    const silenced = (c: Candidate): boolean => {
      // A broadcast among the service's own replicas (Redis pub/sub it subscribes to itself) is nothing another service acts on.
      if (c.kind === 'dualWrite' && broadcasts(c.at.fact.transport)) {
        const d = destinationOf(c.at.fact, model.serviceOf(c.at.fact.node)?.name, hopsOf());
        if (d.kind === 'self' && d.broadcast) return true;
      }
      // A raw Redis PUBLISH signals whoever listens now and is never stored: unless another service is seen subscribing
      // (state it keeps), it refreshes replicas or live connections, and an outbox would not make it reliable.
      // So is a publish to a RabbitMQ exchange its author declared non-durable (`durable: false`): a transient broadcast.
      if (c.kind === 'dualWrite' && (signalOnly(c.at.fact) || hopsOf().transient(c.at.fact)) && destinationAt(c).kind !== 'other') return true;
      // A channel the service keeps for its own counters (every consumer its own, doing only cache writes).
      if (c.kind === 'dualWrite' && c.at.fact.kind === 'publish') {
        let own = ownCounter.get(c.at.fact);
        if (own === undefined) ownCounter.set(c.at.fact, own = ownCounterConsumers(model, c.at.fact, hopsOf(), namedAt(c.at)) !== undefined);
        if (own) return true;
      }
      // A job for a queue whose workers drop every failure: best-effort work the team accepts may not happen (bestEffortJobs.ts).
      if (c.kind === 'dualWrite' && c.writeFirst && c.at.fact.kind === 'publish') {
        let best = bestEffort.get(c.at.fact);
        if (best === undefined) bestEffort.set(c.at.fact, best = bestEffortWorkers(model, c.at.fact, hopsOf()) !== undefined);
        if (best) return true;
      }
      // A flow nested in this one (a callback inside it) that reaches the same publish is reported instead: in the same file.
      if (byFact.get(c.at.fact)!.some((o) => o !== c && o.fn !== c.fn && o.fn.getSourceFile() === c.fn.getSourceFile() && c.fn.containsRange(o.fn.getPos(), o.fn.getEnd()))) return true;
      // Sent before the write to the service itself (its own job queue or channel): no other service acts on the unsaved change.
      if (c.kind === 'dualWrite' && !c.writeFirst && c.at.fact.kind === 'publish' && ownDestination(c.at.fact, destinationAt(c))) return true;
      // A job the flow waits on (`job.finished()`) run by the service's own worker: a call answered to the flow, not an event.
      if (c.kind === 'dualWrite' && c.at.fact.kind === 'publish' && c.at.fact.awaitsResult && ownDestination(c.at.fact, destinationAt(c))) return true;
      // A flow in a class method nothing calls or refers to (dead code in a deployable) runs in no execution.
      if (runsNowhere(model, c.fn, callersOf(c).map((e) => e.fn))) return true;
      // Follow-up work the service gives itself (a recompute, a thumbnail) after writes that record no state for it to complete.
      if (c.kind === 'dualWrite' && c.writeFirst && ownFollowUpWork(model, c.fn, c.at, hopsOf())) return true;
      // A scheduled job publishing rows it selects: the next run derives a lost publish again (pollingRelay.ts).
      if (c.kind === 'dualWrite' && c.writeFirst && relaysStoredRows(model, c.fn, c.at, model.effects.of(c.fn).filter((r) => r.fact.kind === 'write'), callersOf(c).map((e) => e.fn))) return true;
      // A runner (a timer, the process start, a repeatable job) that reads the written rows and sends again: reconciledFromStore.ts.
      if (c.kind === 'dualWrite' && c.writeFirst && reconciledFromStore(model, c.fn, c.at, c.write, callersOf(c).map((e) => e.fn), runners ??= reconcilers(model))) return true;
      // Every entry redelivers and nothing stops the repeat: the write and the publish run again (non-idempotent-consumer's concern).
      return c.kind === 'dualWrite' && c.writeFirst && repeatedByRedelivery(model, c.fn, c.at, callersOf(c), consumers);
    };
    const reportable = candidates.filter((c) => !silenced(c));
    // The headline send of a group: one another service is seen to consume, where there is one.
    const seenConsumed = (c: Candidate) => c.at.fact.kind === 'publish' && destinationAt(c).kind === 'other';
    const alternates = sameEventOnBranches(reportable, seenConsumed);
    const shared = sharedPairs(reportable.filter((c) => !alternates.dropped.has(c)), (n) => model.relOf(n), (c) => model.locationOf(siteOf(c.at)));
    for (const c of reportable) {
      if (alternates.dropped.has(c) || shared.folded.has(c)) continue;
      const at = siteOf(c.at);
      const location = model.locationOf(at);
      const key = `${c.kind}:${location.file}:${location.range.start.line}:${location.range.start.column}`;
      if (reportedAt.has(key)) continue;
      reportedAt.add(key);
      const callers = callersOf(c);
      const consumer = [c.fn, ...callers.map((e) => e.fn)].map((g) => consumers.get(g)).find((x) => x !== undefined);
      const inferredWhat = [...c.inferred];
      if ([c.at, c.write].some((r) => r.inferred)) inferredWhat.push('a call was resolved to an implementation of an interface or abstract method');
      if (unconsumedEvent(model, c, namedAt(c.at), hopsOf())) {
        inferredWhat.push(consumersBoundInInfrastructure(c.at.fact.library)
          ? 'no code here consumes this queue or topic, and a cloud queue is usually wired to its consumer in infrastructure code, so what acts on the message is not known'
          : 'no consumer of this event is in the workspace, so it is taken to be one that other systems consume');
      }
      const inferred = inferredWhat.length ? ` (Inferred: ${inferredWhat.join('; ')}.)` : '';
      const related = [
        { ...model.locationOf(c.write.fact.node), message: `the datastore write: ${c.write.fact.detail}` },
        ...(c.at.path.length ? [{ ...model.locationOf(c.at.fact.node), message: `${c.kind === 'brokenOutbox' ? 'the outbox write' : 'the publish'}: ${c.at.fact.detail}` }] : []),
        ...(alternates.of.get(c) ?? []).map(({ other: o, exclusive, sameChannel }) => ({
          ...model.locationOf(siteOf(o.at)),
          message: exclusive ? `the same event on another branch: ${o.at.fact.detail}`
            : `another publish${sameChannel ? ' to the same channel' : ''} ${o.writeFirst ? 'after' : 'before'} the same write (one outbox covers both): ${o.at.fact.detail}`,
        })),
        ...entryPoints(model, callers, consumers),
        ...(shared.others.get(c) ?? []).slice(0, MAX_SHARED_RELATED).map((o) => ({ ...model.locationOf(siteOf(o.at)), message: `the same write and publish in another flow (${flowName(o.at.via)})` })),
      ];
      const sharedBy = shared.others.get(c)?.length ?? 0;
      const also = sharedBy ? ` The same write and publish, both in shared code, also run in ${sharedBy} other flow${sharedBy === 1 ? '' : 's'} (related locations): an outbox written where the shared code publishes covers them all.` : '';
      // Inside the write's transaction the publish cannot be lost with the change saved; only a failed commit after it goes wrong.
      const common = { location, related, inferred: inferredWhat.length > 0, ...(inferredWhat.length || c.beforeCommit ? { maxSeverity: 'warning' as const } : {}) };
      if (c.kind === 'brokenOutbox') {
        report({
          ...common,
          messageId: 'brokenOutbox',
          data: {
            outbox: c.at.fact.detail, write: c.write.fact.detail, writeAt: describeAt(model, c.write.fact.node), how: c.how ?? 'in a different transaction from',
            failure: outboxFailure(model, c.writeFirst, consumer), inferred, sameTx: c.sameTx ?? 'one transaction callback, or BEGIN ... COMMIT on one client',
          },
          snippet: `outbox|${c.write.fact.detail}|${c.at.fact.detail}`,
        });
        continue;
      }
      const isHttp = c.at.fact.kind === 'http';
      report({
        ...common,
        messageId: 'dualWrite',
        data: {
          write: c.write.fact.detail, writeAt: describeAt(model, c.write.fact.node),
          publish: isHttp ? `calls service "${c.at.fact.target}" (\`${c.at.fact.detail}\`)` : `publishes (\`${detailAt(c.at.fact, namedAt(c.at), model.analysis)}\`)`,
          order: c.writeFirst ? '' : ' before the write',
          failure: c.beforeCommit ? beforeCommitFailure(c.beforeCommit, isHttp ? `service "${c.at.fact.target}"` : 'the broker', isHttp)
            : !c.writeFirst && isReply(c.at) ? REPLY_BEFORE_WRITE
            : publishFailure(model, c.writeFirst, isHttp ? `service "${c.at.fact.target}"` : 'the broker', isHttp, consumer),
          inferred,
          also,
          event: isHttp ? 'request' : 'event',
          deliver: isHttp ? 'send' : 'publish',
        },
        snippet: `${c.write.fact.detail}|${c.at.fact.detail}`,
        fixes: () => outboxFix(model, c.fn, c.at),
      });
    }
  },
});

/**
 * An event no code in the workspace consumes (nor the architecture file routes): the lost event
 * matters only if a consumer elsewhere exists, which the engine cannot see. Job queues are left
 * out: a queue's worker not in the checkout is handled as the service's own (isOwnRefresh).
 */
function unconsumedEvent(model: SystemModel, c: Candidate, at: Node, hops: HopIndex): boolean {
  if (c.kind !== 'dualWrite' || c.at.fact.kind !== 'publish' || isJobQueueLibrary(c.at.fact.library)) return false;
  // Said only when it can be known: the event's channel is named, and every consumer's channel is too.
  const name = c.at.fact.channel ?? channelNamedAt(c.at.fact, at, model.analysis);
  if (name === undefined || name.includes('?') || hops.hasUnnamedConsumers) return false;
  return destinationOf(c.at.fact, model.serviceOf(c.at.fact.node)?.name, hops, at).kind === 'unseen';
}

/**
 * A publish only the sending service consumes: a channel whose consumers are all its own, or a job
 * queue whose worker is not found (taken as the service's own, see `jobQueue` in facts/libraries/delivery.ts).
 */
function ownDestination(publish: Fact, d: Destination): boolean {
  return d.kind === 'self' || (d.kind === 'unseen' && isJobQueueLibrary(publish.library));
}

/**
 * A refresh the service gives itself: a job on a job queue whose workers are in the same service
 * (or not found: a job queue is taken as the service's own, see `jobQueue` in
 * facts/libraries/delivery.ts), let go of (the flow does not await it) and with a caller-chosen id
 * (see facts/backgroundJob.ts).
 */
function isOwnRefresh(model: SystemModel, c: Candidate, hops: () => HopIndex): boolean {
  if (c.kind !== 'dualWrite' || c.at.fact.kind !== 'publish' || !isJobQueueLibrary(c.at.fact.library)) return false;
  const job = backgroundJob(c.at);
  if (!job.letGo || !job.ownId) return false;
  const d = destinationOf(c.at.fact, model.serviceOf(c.at.fact.node)?.name, hops());
  return d.kind === 'self' || d.kind === 'unseen';
}

/**
 * The flows in which an own refresh (isOwnRefresh) is not the announcement of a write. Enqueued
 * before every write of a flow, it is queued whether or not the write then succeeds, and if the
 * write fails the only effect is a redundant refresh of the id it names. A caller that writes and
 * then calls such a function does not make the job its announcement either: the function enqueues
 * it ahead of its own write, whatever came before. The same job after the write in the function
 * that enqueues it, awaited, or with a random id is still reported.
 */
function ownRefreshes(model: SystemModel, found: Candidate[], hops: () => HopIndex): Set<Candidate> {
  const refreshes = found.filter((c) => isOwnRefresh(model, c, hops));
  const before = new Map<Fact, Set<Node>>();
  for (const c of refreshes) if (!c.writeFirst) before.set(c.at.fact, (before.get(c.at.fact) ?? new Set()).add(c.fn));
  return new Set(refreshes.filter((c) => !c.writeFirst || c.at.path.some((fn) => before.get(c.at.fact)?.has(fn))));
}

/**
 * One flow that sends the same event after the same write has one missing outbox, not several: on
 * exclusive branches (`if (circuitOpen) retryClient.emit('order.created', e) else
 * client.emit('order.created', e)`), or one after the other to the same named channel (a message
 * and a conversation update both on `chat:events`). So do several events sent on the same side of
 * the same write (`order.created` then `stock.reserve`, both after one insert): one outbox in the
 * write's transaction carries them all. The first send is reported (the first that another service is seen
 * to consume, where there is one), the others are its related locations.
 */
function sameEventOnBranches(candidates: Candidate[], preferred: (c: Candidate) => boolean): { dropped: Set<Candidate>; of: Map<Candidate, { other: Candidate; exclusive: boolean; sameChannel: boolean }[]> } {
  const dropped = new Set<Candidate>();
  const of = new Map<Candidate, { other: Candidate; exclusive: boolean; sameChannel: boolean }[]>();
  const byFlow = new Map<Node, Candidate[]>();
  for (const c of candidates) {
    if (c.kind === 'dualWrite' && c.at.fact.kind === 'publish') byFlow.set(c.fn, [...(byFlow.get(c.fn) ?? []), c]);
  }
  for (const flow of byFlow.values()) {
    const list = [...flow.filter(preferred), ...flow.filter((c) => !preferred(c))];
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (dropped.has(c)) continue;
      for (const o of list.slice(i + 1)) {
        // The same event: one publish reached on both branches (through a wrapper whose channel is its own), or one named channel.
        const sameChannel = !!c.at.fact.channel && o.at.fact.channel === c.at.fact.channel;
        const sameEvent = o.at.fact === c.at.fact || sameChannel;
        if (dropped.has(o) || o.write.fact !== c.write.fact || o.at.via === c.at.via) continue;
        const exclusive = sameEvent && pathRelation(c.at.via, o.at.via, c.fn) === 'exclusive';
        // Other events on the same side of the same write: one outbox in the write's transaction carries them all.
        if (!exclusive && (o.writeFirst !== c.writeFirst || !!o.beforeCommit !== !!c.beforeCommit)) continue;
        dropped.add(o);
        of.set(c, [...(of.get(c) ?? []), { other: o, exclusive, sameChannel }]);
      }
    }
  }
  return { dropped, of };
}

/** A reply sent before the write: the requester stops asking, so a failed write is lost rather than retried. */
const REPLY_BEFORE_WRITE = 'this publish replies to the requester, who takes the request as done and stops retrying it: if the write then fails or the process dies first, the request is acknowledged but never saved.';

interface Candidate {
  kind: 'dualWrite' | 'brokenOutbox';
  fn: Node;
  /** The publish (dualWrite) or the outbox write (brokenOutbox): where the finding points. */
  at: Reached;
  /** The business write. */
  write: Reached;
  /** True when the business write runs before `at` on the path. */
  writeFirst: boolean;
  /** What the finding rests on that was inferred rather than seen. */
  inferred: string[];
  how?: string;
  sameTx?: string;
  /** dualWrite: the publish runs inside the write's open transaction, before it commits (how it is opened). */
  beforeCommit?: string;
}

interface Flows {
  flows: Candidate[];
  /** Publishes (and outbox writes) whose flow is a callee of this function: it is one of that flow's entry points. */
  reachedThroughCallee: Reached[];
}

/** Per effect list (the effect index keeps one list per function until an edit affects it). */
const flowsByEffects = new WeakMap<Reached[], Flows>();

/** `at` runs in a change-stream listener: fn itself, or a callback of fn. */
function inChangeStreamListener(at: Node, fn: Node): boolean {
  for (let n: Node | undefined = at; n; n = n.getParent()) {
    if ((Node.isArrowFunction(n) || Node.isFunctionExpression(n)) && isChangeStreamListener(n)) return true;
    if (n === fn) break;
  }
  return false;
}

/** The dual writes and broken outboxes of a function that is a flow on its own. */
function flowsOf(model: SystemModel, fn: Node, all: Reached[]): Flows {
  const cached = flowsByEffects.get(all);
  if (cached) return cached;
  const out: Flows = { flows: [], reachedThroughCallee: [] };
  flowsByEffects.set(all, out);
  if (all.some((r) => r.fact.kind === 'read' && isOutboxTable(r.fact.table))) return out; // an outbox relay
  if (isOutboxCode(fn)) return out; // an outbox relay behind a repository (OutboxService.processEvent, outbox-publisher.ts)
  // Code after an unconditional return/throw never runs. A change-stream listener (in fn or fn itself) relays
  // changes already committed (change data capture), as an outbox relay does.
  const reached = all.filter((r) => !isUnreachable(r.via, fn) && !(r.path.length && isUnreachable(r.fact.node, r.path[r.path.length - 1]))
    && !inChangeStreamListener(r.via, fn));
  const publishes = reached.filter((r) => (r.fact.kind === 'publish' && !isQuery(r)) || (r.fact.kind === 'http' && r.fact.target !== undefined && !r.fact.query && !['GET', 'HEAD'].includes(r.fact.method ?? '')));
  // Inbox (processed-message) rows are deduplication bookkeeping, not state other services depend on.
  // So are cache entries, in Redis or in a table named as a cache: a value kept for a while, not the state an event announces.
  const allWrites = reached.filter((r) => r.fact.kind === 'write' && r.fact.library !== 'redis' && !isGuardTable(r.fact.table) && !isCacheTable(r.fact.table));
  // Append-only log, audit and analytics rows are not the state a message announces: losing one
  // beside a publish loses a record, not a business change, so they neither pair nor headline. Nor does
  // the row a getter the flow calls creates when its lookup finds nothing (lazyCreation.ts).
  const writes = allWrites.filter((r) => !isOutboxTable(r.fact.table) && !isAppendOnly(r.fact) && !lazyCreation(r));
  const outboxWrites = allWrites.filter((r) => isOutboxTable(r.fact.table));
  if (!writes.length) return out;
  // A call whose callee writes and publishes is that callee's own flow (reported there): its write is
  // not what a later, unrelated publish of the caller announces.
  const flowCalls = new Set(publishes.filter((p) => p.path.length > 0).map((p) => p.via));
  for (const publish of publishes) {
    // Data points about the system (metrics, analytics events) are not the state change a write makes.
    if (publish.fact.kind === 'publish' && (telemetryChannel(publish.fact) || (publish.path.length > 0 && telemetryNamedAt(publish.fact, calleeName(publish.via), model.analysis)))) continue;
    // A push to open client connections (a websocket refresh) is a hint to a live UI, not state another service keeps.
    if (realtimePush(publish, model.analysis)) continue;
    // A repeatable job or job scheduler (`add(name, data, { repeat })`, `upsertJobScheduler`) registers recurring work,
    // not an event about this change: registering it again is a no-op, and it is usually re-registered at start.
    if (publish.fact.kind === 'publish' && publish.fact.scheduled) continue;
    const pair = pairFor(fn, publish, writes.filter((w) => w.via === publish.via || !flowCalls.has(w.via)), (callee) => model.effects.of(callee).some((r) => r.fact.kind === 'write' || r.fact.kind === 'read'));
    if (pair === 'callee') out.reachedThroughCallee.push(publish);
    // A send made only when something else failed (a fallback, an alert) is not the event the write announces: failurePath.ts.
    else if (pair && sentOnFailureOnly(publish, pair.write, fn)) continue;
    // A reply after the write answers a requester that asks again if it is lost (facts/replies.ts); one sent
    // before the write acknowledges a request that may never be saved, and is reported.
    else if (pair && pair.writeFirst && isReply(publish)) continue;
    // A call whose failure the flow compensates (its `catch` undoes the write) is a saga step: compensatedCall.ts.
    else if (pair && pair.writeFirst && compensatedOnFailure(fn, publish, pair.write, reached)) continue;
    // A send after the write whose failure the flow catches and drops on purpose is declared best-effort (an audit
    // event, a notification): the author has already decided that losing it is acceptable (facts/swallowedFailure.ts).
    else if (pair && pair.writeFirst && declaredBestEffort(publish, fn, pair.write)) continue;
    else if (pair) out.flows.push({ kind: 'dualWrite', fn, at: publish, write: pair.write, writeFirst: pair.writeFirst, inferred: httpInferred(model, publish.fact), beforeCommit: pair.writeFirst ? sharedTx(model, fn, all, publish, pair.write) : undefined });
  }
  for (const outbox of outboxWrites) {
    const pair = pairFor(fn, outbox, writes);
    if (pair === 'callee') out.reachedThroughCallee.push(outbox);
    else if (pair) {
      const broken = brokenOutbox(model, fn, all, outbox, pair.write);
      if (broken) out.flows.push({ kind: 'brokenOutbox', fn, at: outbox, write: pair.write, writeFirst: pair.writeFirst, ...broken });
    }
  }
  return out;
}

/**
 * The business write that runs on one path with `effect` in fn, or 'callee'
 * when a write is reached through the same call as the effect (the callee is
 * the flow and reports itself; the caller's own writes are not what it announces).
 */
function pairFor(fn: Node, effect: Reached, writes: Reached[], worksOnData?: (callee: Node) => boolean): { write: Reached; writeFirst: boolean } | 'callee' | undefined {
  const onPath = writes.filter((w) => !alternatives(w, effect) && (w.via === effect.via || pathRelation(w.via, effect.via, fn) === 'sequential'));
  if (!onPath.length) return undefined;
  const throughSameCall = (w: Reached) => effect.path.length > 0 && w.via === effect.via;
  // A write in a callee that then always throws (an update in a `catch` that rethrows) is on a failure path: it never
  // returns to the flow, so it is not the change the flow's effect announces or precedes.
  // So is a write in a callee that then answers "no" (`return false`) when the flow leaves on that answer before the
  // effect: `if (!(await assertValid(model))) return` where assertValid marks the model invalid (falsyReturnPaths.ts).
  const own = onPath.filter((w) => !throughSameCall(w) && !(w.path.length && throwsBeforeReturning(w, fn)) && !leftOnFalsyAnswer(w, fn, effect.via));
  // The callee writes and publishes itself: that callee is the flow, and its event announces its own write, not
  // an unrelated write its caller made before calling it.
  if (onPath.some(throughSameCall)) return 'callee';
  if (!own.length) return undefined;
  const start = (r: Reached) => r.via.getStart();
  const before = own.filter((w) => start(w) <= start(effect) && w.via !== effect.via);
  // The headline write: the last one committed before the effect (its loss is what the effect reports), else the first after it.
  const write = before.length ? before[before.length - 1] : own[0];
  const writeFirst = start(write) <= start(effect) || write.via === effect.via;
  // A publish made inside a callee that reads or writes data of its own announces that work, not a
  // write its caller makes after the call returns (a thin publish helper does no data work: still paired).
  if (!writeFirst && effect.path.length && worksOnData?.(effect.path[0])) return undefined;
  // A callee that publishes and then always throws (`await sendAudit('IGNORED'); throw new RetryError()`) never returns
  // to the caller's later write on that path.
  if (!writeFirst && effect.path.length && throwsBeforeReturning(effect, fn)) return undefined;
  // A request whose reply the write records (upload, then save the URL) cannot go through an outbox: see recordsCallResult.ts.
  if (!writeFirst && writeRecordsResult(effect, write, fn)) return undefined;
  // A write that marks the send as done (`reminder_email_sent = true`) is its bookkeeping: see sentMarker.ts.
  if (!writeFirst && recordsTheSend(write, writes)) return undefined;
  return { write, writeFirst };
}

/**
 * Two effects reached through implementations of an interface method, whose
 * paths split into two different functions of the same name (`add` of a SQL
 * job buffer and `add` of a Pub/Sub job queue strategy), are alternatives: a
 * deployment configures one of them, not both.
 */
function alternatives(a: Reached, b: Reached): boolean {
  if (!a.inferred || !b.inferred || !a.path.length || !b.path.length) return false;
  for (let i = 0; i < Math.min(a.path.length, b.path.length); i++) {
    if (a.path[i] !== b.path[i] && nameOf(a.path[i]).getText() === nameOf(b.path[i]).getText()) return true;
  }
  return false;
}

/** What was inferred about an HTTP target: a service named by the workspace layout, not by the architecture file. */
function httpInferred(model: SystemModel, fact: Fact): string[] {
  if (fact.kind !== 'http') return [];
  const svc = model.layout.services.find((s) => s.name === fact.target);
  return svc?.inferred ? [`"${fact.target}" is taken to be a service of this workspace from the folder layout and the URL's env var`] : [];
}

/** Where a finding about a reached fact points: the flow's call into the callee that reaches it, or the fact itself. */
function siteOf(r: Reached): Node {
  return r.path.length ? calleeName(r.via) : r.fact.node;
}
