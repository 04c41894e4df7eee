/**
 * A write-then-publish flow whose every entry point is a handler of a transport that redelivers
 * (read from its own registration or app) and is not a request handler (a Nest `@MessagePattern`
 * answers a failure with an error reply), where nothing can stop a repeat (rules/dedupeEvidence.ts)
 * and the publish's failure reaches the handler: if the process dies or the broker fails after the
 * write, the message is redelivered and the handler runs the write and the publish again. The event
 * is not lost; the repeat is non-idempotent-consumer's finding, not dual-write's.
 */
import { Node } from 'ts-morph';
import type { Fact } from '../facts/facts';
import type { Reached } from '../facts/effects';
import type { SystemModel } from '../model';
import { consumerDelivery } from './consumerDelivery';
import { repeatMayStop } from './dedupeEvidence';
import { outermost, type Caller } from './rootCause';
import { failureSwallowed } from '../facts/swallowedFailure';

export function repeatedByRedelivery(model: SystemModel, fn: Node, at: Reached, callers: Caller[], consumers: Map<Node, Fact>): boolean {
  const roots = [...new Set([...(consumers.has(fn) ? [fn] : []), ...outermost(callers, consumers)])];
  if (!roots.length) return false;
  for (const root of roots) {
    const consumer = consumers.get(root);
    // A request handler answers a failure with an error reply: only a crash redelivers, a failed publish is lost.
    if (!consumer || consumer.request) return false;
    const delivery = consumerDelivery(model, consumer);
    if (delivery.redelivers !== true || !delivery.direct) return false;
    // What could stop the repeat before this publish (not a dedupe in another case of a dispatching handler).
    const target = model.effects.of(root).find((r) => r.fact === at.fact && (root === fn || r.path.includes(fn)));
    if (repeatMayStop(model, root, target)) return false;
  }
  return !failureSwallowed(at, fn);
}
