/**
 * A job queue whose workers drop every failure: each worker of the job's queue (all of them in code)
 * catches the failure of everything it does and lets the job complete (a `try`/`catch` that logs
 * or a `.catch(...)` that does not pass it on; facts/swallowedFailure.ts). Such a queue runs best-effort
 * work, most often notifications: a job that fails is never tried again, so the team has already
 * accepted that the work may not happen. Losing the job beside the flow's write loses no more than
 * that, and dual-write does not report it. So does a queue whose workers only relay a message on an
 * at-most-once broadcast (NATS core, Redis pub/sub): what they send is lost whenever nobody listens
 * at that moment; and so does a worker whose only work is an emit on an in-process `EventEmitter` of
 * Node's `events` (a live push to the server-sent-event connections open in that process): delivered to
 * whoever listens there and then, or to nobody. So is an empty job (`add('forceUpdateDids', {})`) whose
 * workers change nothing stored (they re-read the store into memory: a cache refresh): it carries nothing
 * about the write, and the next one refreshes the same. A worker whose failure fails the job (it rethrows, or an
 * effect is not caught), a worker the code does not show, or a transport that is not a job queue
 * keeps the finding.
 */
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { consumersInCode, type HopIndex } from '../facts/hops';
import { broadcasts, deliveryOf, isJobQueueLibrary } from '../facts/libraries/delivery';
import { failureCaught } from '../facts/swallowedFailure';
import { isFunctionLike } from '../facts/analysis';
import { emitsInProcess } from '../facts/libraries/inProcessEmitters';

/**
 * A publish on an at-most-once broadcast (NATS core, Redis pub/sub): it reaches whoever listens at that
 * moment and is gone, so a worker that only relays it (a Bull job feeding a live NATS notification)
 * does work the design already lets go missing.
 */
function fireAndForget(fact: Fact): boolean {
  return fact.kind === 'publish' && !!fact.transport && broadcasts(fact.transport) && deliveryOf(fact.transport).delivery === 'at-most-once';
}

/** Effects whose failure does not matter to the job: reads and bookkeeping. */
const HARMLESS = new Set<Fact['kind']>(['read', 'guard', 'lock', 'tx', 'client', 'consumer', 'server', 'binding', 'endpoint']);

/** The workers of a best-effort job queue (for the docs and tests), or undefined when the publish is not to one. */
export function bestEffortWorkers(model: SystemModel, publish: Fact, hops: HopIndex): Fact[] | undefined {
  if (publish.kind !== 'publish' || !isJobQueueLibrary(publish.library)) return undefined;
  const workers = consumersInCode(publish, model.serviceOf(publish.node)?.name, hops);
  if (!workers) return undefined;
  for (const worker of workers) {
    const handler = worker.handler;
    if (!handler || !isFunctionLike(handler)) return undefined;
    const effects = model.effects.of(handler).filter((r) => !HARMLESS.has(r.fact.kind));
    if (!effects.length && emitsInProcess(handler, model.analysis)) continue;
    // An empty job (`add('forceUpdateDids', {})`) carries nothing about the write: a worker that changes nothing
    // stored (it re-reads the store into its own memory) is refreshed again by the next one.
    if (!effects.length && publish.emptyBody) continue;
    if (!effects.length || effects.some((r) => !failureCaught(r, handler) && !fireAndForget(r.fact))) return undefined;
  }
  return workers;
}
