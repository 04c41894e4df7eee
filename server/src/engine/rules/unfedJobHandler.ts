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
import { isJobQueueLibrary } from '../facts/libraries/delivery';

/** Per analysis: the job-queue producers of the workspace (read for every job handler). */
const producersMemo = new WeakMap<SystemModel, Fact[]>();

export function unfedJobHandler(model: SystemModel, consumer: Fact): boolean {
  if (consumer.kind !== 'consumer' || consumer.job === undefined || !consumer.channel || !isJobQueueLibrary(consumer.library)) return false;
  let producers = producersMemo.get(model);
  if (!producers) producersMemo.set(model, producers = model.facts.filter((f) => f.kind === 'publish' && isJobQueueLibrary(f.library)));
  // A producer whose queue is not known may feed this one.
  if (producers.some((f) => f.channel === undefined && !f.channelIds?.length)) return false;
  const ofQueue = producers.filter((f) => f.channel === consumer.channel || (!!f.channelIds && !!consumer.channelIds && f.channelIds.some((id) => consumer.channelIds!.includes(id))));
  return ofQueue.length > 0 && ofQueue.every((f) => f.job !== undefined && f.job !== consumer.job);
}
