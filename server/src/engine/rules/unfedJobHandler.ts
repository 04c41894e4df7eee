/**
 * A job handler nothing feeds. Two shapes:
 * - A Bull `@Process('send-batch')` handler for a job name that no producer of its queue adds, where
 *   the workspace has producers of that queue and every one of them names its jobs
 *   (`queue.add('send-notification', ...)`).
 * - A handler of a queue whose every producer in the workspace is code nothing runs (reachability.ts):
 *   `heapQueue.add(...)` in a service method whose only call was commented out.
 * The handler runs in no execution, so what it would repeat on a redelivery is never done at all. A
 * producer whose queue or job name does not resolve may add that job, and keeps the handler; so does
 * a queue with no producer in the workspace (another system may feed it).
 */
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { runsNowhere } from '../facts/reachability';
import { producersOfQueue } from './jobQueueProducers';
import { callersOf } from './rootCause';

export function unfedJobHandler(model: SystemModel, consumer: Fact): boolean {
  if (consumer.kind !== 'consumer') return false;
  const ofQueue = producersOfQueue(model, consumer);
  if (!ofQueue?.length) return false;
  if (consumer.job !== undefined && ofQueue.every((f) => f.job !== undefined && f.job !== consumer.job)) return true;
  const callers = callersOf(model, new Set(ofQueue));
  return ofQueue.every((f) => runsNowhere(model, f.node, (callers.get(f) ?? []).map((c) => c.fn)));
}
