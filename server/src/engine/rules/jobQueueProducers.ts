/**
 * The producers that may feed a job handler: every job-queue publish of the workspace to its queue
 * (by name, or by a common symbolic identity when the name is not a literal). Undefined when some
 * producer's queue is not known at all: it may feed this one too, so nothing can be said. A wrapper
 * whose callers give the queue (`addToQueue(updateUserQueue, data)`) feeds the queues they name.
 */
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { isJobQueueLibrary } from '../facts/libraries/delivery';
import { argumentsThroughWrappers } from '../facts/carriers';
import { channelName } from '../facts/syntax';

/** Per analysis: the job-queue producers of the workspace (read for every job handler). */
const producersMemo = new WeakMap<SystemModel, Fact[]>();

export function producersOfQueue(model: SystemModel, consumer: Fact): Fact[] | undefined {
  if (consumer.kind !== 'consumer' || !consumer.channel || !isJobQueueLibrary(consumer.library)) return undefined;
  let producers = producersMemo.get(model);
  if (!producers) producersMemo.set(model, producers = model.facts.filter((f) => f.kind === 'publish' && isJobQueueLibrary(f.library)));
  const named = (f: Fact) => siteChannels(model, f);
  if (producers.some((f) => f.channel === undefined && !f.channelIds?.length && !named(f))) return undefined;
  return producers.filter((f) => f.channel === consumer.channel || (f.channel === undefined && !!named(f)?.includes(consumer.channel!))
    || (!!f.channelIds && !!consumer.channelIds && f.channelIds.some((id) => consumer.channelIds!.includes(id))));
}

/** Per analysis: the queues a wrapper's callers name, for a publish whose queue is its caller's (`channelFrom`). */
const sitesMemo = new WeakMap<SystemModel, Map<Fact, string[] | undefined>>();

/**
 * The queues the callers of a wrapper name (`addToQueue(updateUserQueue, data)`), when the publish's
 * queue is its caller's and every call site names one; undefined otherwise.
 */
function siteChannels(model: SystemModel, fact: Fact): string[] | undefined {
  const param = fact.channelFrom?.param;
  if (!param || fact.channelFrom?.key) return undefined;
  let byFact = sitesMemo.get(model);
  if (!byFact) sitesMemo.set(model, byFact = new Map());
  if (byFact.has(fact)) return byFact.get(fact);
  const sites = argumentsThroughWrappers(param, model.analysis);
  const names = sites.map(({ arg }) => channelName(arg));
  const out = sites.length && names.every((n) => n !== undefined && !n.includes('?')) ? [...new Set(names as string[])] : undefined;
  byFact.set(fact, out);
  return out;
}
