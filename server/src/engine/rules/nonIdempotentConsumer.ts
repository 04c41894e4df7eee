import { createRule } from './createRule';
import { describeAt } from './describe';
import type { Fact } from '../facts/facts';
import { inboxFix } from '../fixes/inbox';

/**
 * Names of guard helpers real code uses; a call to one counts as a guard we cannot see into.
 * They check or record that a message was seen (`isDuplicate`, `markProcessed`, `wasHandled`,
 * `inbox.save`, `checkIdempotency`); a name that merely contains "duplicate" (`duplicateMedia`) is not one.
 */
const GUARD_CALL = /^(is|has|was|check|ensure|assert|mark|record|skip|guard|already|track|save|store|remember)\w*(processed|handled|duplicate|seen|consumed|delivered)|^(processed|handled)\w*|dedup|idempoten|inbox|alreadyHandled|isHandled|markHandled/i;

export const nonIdempotentConsumer = createRule({
  id: 'non-idempotent-consumer',
  description: 'Message handlers with a non-idempotent side effect must deduplicate on the message identity.',
  defaultSeverity: 'error',
  fixes: ['Guard with an inbox (dedupe on the message id the library provides)'],
  messages: {
    unguarded: {
      message: '{{handler}} {{effect}} ({{where}}) with no deduplication on the message identity. Brokers deliver at least once, so a redelivered or replayed message repeats it.',
      hint: 'Record the message id in an inbox (processed-messages) table with INSERT ... ON CONFLICT DO NOTHING in the same transaction as the side effect, and skip the work when the id was already there.{{alternative}}',
    },
  },
  check({ model, report }) {
    for (const consumer of model.facts) {
      if (consumer.kind !== 'consumer' || !consumer.handler) continue;
      const reached = model.effects.of(consumer.handler);
      if (reached.some((r) => r.fact.kind === 'guard')) continue;
      if (model.effects.callsNamed(consumer.handler, GUARD_CALL)) continue;
      const risky = reached.filter((r) => r.fact.nonIdempotent && ['write', 'publish', 'http', 'sideEffect'].includes(r.fact.kind));
      if (!risky.length) continue;
      const first = risky[0];
      report({
        messageId: 'unguarded',
        data: {
          handler: `The ${consumer.detail}`, effect: effectVerb(first.fact.kind, first.fact.detail), where: describeAt(model, first.fact.node),
          alternative: alternativeFor(first.fact),
        },
        location: model.locationOf(consumer.node),
        snippet: consumer.detail,
        related: risky.slice(0, 3).map((r) => ({
          ...model.locationOf(r.fact.node),
          message: `${r.fact.detail}: repeated on every redelivery`,
        })),
        fixes: () => inboxFix(model, consumer),
      });
    }
  },
});

/** A fix specific to the first risky effect, when there is a cheaper one than an inbox. */
function alternativeFor(fact: Fact): string {
  if (fact.kind === 'sideEffect' && fact.library === 'stripe') return ' For the Stripe call alone, passing `{ idempotencyKey }` derived from the message id also works.';
  if (fact.kind === 'http') return ' For the HTTP call alone, an `Idempotency-Key` header derived from the message id also works if the other service honours it.';
  if (fact.kind === 'publish') return ' For the publish alone, a deterministic id derived from the message id (BullMQ `jobId`, SQS FIFO `MessageDeduplicationId`) also works.';
  if (fact.kind === 'write' && /increment|\$inc/.test(fact.detail)) return ' Or make the write conditional on the message id, so a repeat matches no row.';
  return '';
}

function effectVerb(kind: string, detail: string): string {
  switch (kind) {
    case 'write': return `writes \`${detail}\``;
    case 'publish': return `publishes (\`${detail}\`)`;
    case 'http': return `calls \`${detail}\``;
    default: return detail;
  }
}
