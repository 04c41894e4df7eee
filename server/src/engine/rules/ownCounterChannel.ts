/**
 * Channels a service keeps for its own counters: every consumer of the publish is in the
 * publishing service (exchange bindings and symbolic channel identities followed, facts/hops.ts),
 * and what those consumers do is only cache or counter writes (Redis INCRBY, HINCRBY, EXPIRE...,
 * isCacheWrite) and reads: no datastore write, publish, HTTP call or other side effect. Such a
 * message is a data point for a dashboard, like a telemetry channel (libraries/telemetry.ts): losing
 * it beside a write undercounts a counter, it does not lose a business change, so dual-write does
 * not report it. An own channel whose consumer does business writes, a consumer in another
 * service, or one the code does not show (only the architecture file names it) keeps the finding.
 */
import type { Node } from 'ts-morph';
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { ownConsumers, type HopIndex } from '../facts/hops';
import { isCacheWrite } from '../facts/libraries/redis';
import { isFunctionLike } from '../facts/analysis';

/** Effects that leave no business state: reads, dedupe checks, locks and transaction bookkeeping. */
const HARMLESS = new Set<Fact['kind']>(['read', 'guard', 'lock', 'tx', 'client']);

/**
 * The consumers of an own counter channel (for the docs and tests), or undefined when the publish
 * is not one: some consumer is in another service or not seen, or does more than cache writes.
 */
export function ownCounterConsumers(model: SystemModel, publish: Fact, hops: HopIndex, site?: Node): Fact[] | undefined {
  const service = model.serviceOf(publish.node)?.name;
  if (!service) return undefined;
  const consumers = ownConsumers(publish, service, hops, site);
  if (!consumers) return undefined;
  for (const consumer of consumers) {
    if (!consumer.handler || !isFunctionLike(consumer.handler)) return undefined;
    const reached = model.effects.of(consumer.handler);
    if (!reached.some((r) => isCacheWrite(r.fact))) return undefined;
    if (reached.some((r) => !isCacheWrite(r.fact) && !HARMLESS.has(r.fact.kind))) return undefined;
    if (runsUnseenCallbacks(model, consumer.handler)) return undefined;
  }
  return consumers;
}

const MAX_FUNCTIONS = 200;

/**
 * True when the handler, or a workspace function it reaches, calls from a callback registry
 * that holds something the code does not show as a function: what that runs is not known.
 */
export function runsUnseenCallbacks(model: SystemModel, handler: Node): boolean {
  const seen = new Set<Node>([handler]);
  const queue = [handler];
  for (let i = 0; i < queue.length && i < MAX_FUNCTIONS; i++) {
    for (const callee of model.effects.step(queue[i], NONE).callees) {
      if (!seen.has(callee)) {
        seen.add(callee);
        queue.push(callee);
      }
    }
  }
  return model.analysis.incompleteRegistryCalls().some((call) => call.getAncestors().some((a) => seen.has(a)));
}

const NONE: ReadonlySet<Fact> = new Set();
