/**
 * A job handler nothing feeds: a Bull `@Process('send-batch')` handler for a job name that no producer
 * of its queue adds, where the workspace has producers of that queue and every one of them names its
 * jobs (`queue.add('send-notification', ...)`). The handler runs in no execution, so what it would
 * repeat on a redelivery is never done at all. A producer whose queue or job name does not resolve may
 * add that job, and keeps the handler; so does a queue with no producer in the workspace (another
 * system may feed it).
 */
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { producersOfQueue } from './jobQueueProducers';

export function unfedJobHandler(model: SystemModel, consumer: Fact): boolean {
  if (consumer.kind !== 'consumer' || consumer.job === undefined) return false;
  const ofQueue = producersOfQueue(model, consumer);
  return !!ofQueue && ofQueue.length > 0 && ofQueue.every((f) => f.job !== undefined && f.job !== consumer.job);
}
