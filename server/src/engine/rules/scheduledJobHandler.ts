/**
 * A handler fed only by a schedule: every producer of its queue (and of its job name, when it takes
 * one) adds a repeatable job (`queue.add(name, data, { repeat: { cron } })`, BullMQ
 * `upsertJobScheduler`). The queue runs that job again and again with the same data, so the handler
 * already runs the same message on every tick: a retried or stalled run is one more tick, not a
 * duplicate the handler was not built for. A producer whose queue or job name does not resolve may
 * add other jobs, and keeps the handler; so does a queue with no producer in the workspace.
 */
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { producersOfQueue } from './jobQueueProducers';

export function scheduledJobHandler(model: SystemModel, consumer: Fact): boolean {
  const ofQueue = producersOfQueue(model, consumer);
  // A handler for one job name is fed by the producers of that name (and by those whose name is unknown).
  const feeding = !ofQueue ? [] : consumer.job === undefined ? ofQueue : ofQueue.filter((f) => f.job === undefined || f.job === consumer.job);
  return feeding.length > 0 && feeding.every((f) => f.scheduled);
}
