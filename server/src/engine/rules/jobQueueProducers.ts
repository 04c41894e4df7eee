/**
 * The producers that may feed a job handler: every job-queue publish of the workspace to its queue
 * (by name, or by a common symbolic identity when the name is not a literal). Undefined when some
 * producer's queue is not known at all: it may feed this one too, so nothing can be said.
 */
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { isJobQueueLibrary } from '../facts/libraries/delivery';

/** Per analysis: the job-queue producers of the workspace (read for every job handler). */
const producersMemo = new WeakMap<SystemModel, Fact[]>();

export function producersOfQueue(model: SystemModel, consumer: Fact): Fact[] | undefined {
  if (consumer.kind !== 'consumer' || !consumer.channel || !isJobQueueLibrary(consumer.library)) return undefined;
  let producers = producersMemo.get(model);
  if (!producers) producersMemo.set(model, producers = model.facts.filter((f) => f.kind === 'publish' && isJobQueueLibrary(f.library)));
  if (producers.some((f) => f.channel === undefined && !f.channelIds?.length)) return undefined;
  return producers.filter((f) => f.channel === consumer.channel || (!!f.channelIds && !!consumer.channelIds && f.channelIds.some((id) => consumer.channelIds!.includes(id))));
}
