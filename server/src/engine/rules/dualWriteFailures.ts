/**
 * dual-write's failure wording: what happens to the event (or the outbox row) when the process dies
 * or the broker fails between the write and the publish, read from the consumer's transport when
 * the flow runs in a handler (facts/libraries/delivery.ts).
 */
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import { consumerDelivery } from './consumerDelivery';

/**
 * What the consumer's transport (facts/libraries/delivery.ts) does with a message whose handler
 * died after the write: redelivers it (the write repeats), may redeliver it (not known), or
 * nothing (request/response, at most once: the flow is not retried).
 */
function redeliveryNote(model: SystemModel, consumer: Fact | undefined): { redelivers: boolean; note: string } | undefined {
  if (!consumer) return undefined;
  const delivery = consumerDelivery(model, consumer);
  if (delivery.redelivers === true) return { redelivers: true, note: `this flow runs in the ${consumer.detail}, so the broker redelivers the message and the handler runs again, repeating the write` };
  if (delivery.redelivers === undefined) return { redelivers: false, note: `if the ${consumer.detail} is redelivered the handler runs again, repeating the write; if not,` };
  return undefined;
}

export function publishFailure(model: SystemModel, writeFirst: boolean, peer: string, isHttp: boolean, consumer: Fact | undefined): string {
  if (!writeFirst) {
    return `if the write then fails or the process dies first, ${isHttp ? `${peer} has acted on` : 'other services act on'} a change that was never saved.`;
  }
  const lost = isHttp ? `the change is saved but ${peer} is never called` : 'the change is saved but its event is lost';
  const r = redeliveryNote(model, consumer);
  if (r?.redelivers) return `if the process dies or ${peer} is unreachable after the write, ${r.note}: the ${isHttp ? 'call' : 'event'} goes out only if the repeated write succeeds and does not skip it.`;
  if (r) return `if the process dies or ${peer} is unreachable after the write, ${r.note} ${lost}.`;
  return `if the process dies or ${peer} is unreachable after the write, ${lost}, and nothing retries.`;
}

export function beforeCommitFailure(tx: string, peer: string, isHttp: boolean): string {
  const acted = isHttp ? `${peer} has acted on` : 'other services act on';
  return `the ${isHttp ? 'call' : 'publish'} runs inside the write's transaction (${tx}) before it commits, so if ${peer} is unreachable the transaction rolls back and nothing is lost; but if the commit then fails or the process dies before it, ${acted} a change that was never saved.`;
}

export function outboxFailure(model: SystemModel, writeFirst: boolean, consumer: Fact | undefined): string {
  if (!writeFirst) return 'if the business write then fails or the process dies first, the relay still publishes an event for a change that was never saved.';
  const r = redeliveryNote(model, consumer);
  if (r?.redelivers) return `if the process dies between the two commits, ${r.note}: the event is written only if the repeated write succeeds.`;
  if (r) return `if the process dies between the two commits, ${r.note} the change is saved but its event is lost.`;
  return 'if the process dies between the two commits, the change is saved but its event is lost, and nothing retries.';
}
