import { Node } from 'ts-morph';
import { createRule } from './createRule';
import { describeAt } from './describe';
import type { Fact } from '../facts/facts';
import { inboxFix } from '../fixes/inbox';
import { consumerDelivery } from './consumerDelivery';

/**
 * Append-only records (logs, audit trails, analytics and history rows): a repeat adds a duplicate
 * row that readers tolerate or collapse; reported at information severity, not as a double charge.
 */
const APPEND_ONLY_WORD = /^(logs?|audits?|history|histories|trails?|analytics|metrics?|telemetry|tracking)$/i;

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
      message: '{{handler}} {{effect}} ({{where}}) with no deduplication on the message identity, so a redelivered message repeats it. {{delivery}}.{{minor}}',
      hint: 'Record the message id in an inbox (processed-messages) table with INSERT ... ON CONFLICT DO NOTHING in the same transaction as the side effect, and skip the work when the id was already there.{{alternative}}',
    },
  },
  check({ model, report }) {
    for (const consumer of model.facts) {
      if (consumer.kind !== 'consumer' || !consumer.handler) continue;
      const reached = model.effects.of(consumer.handler);
      if (reached.some((r) => r.fact.kind === 'guard')) continue;
      if (model.effects.callsNamed(consumer.handler, GUARD_CALL)) continue;
      const risky = reached.filter((r) => r.fact.nonIdempotent && ['write', 'publish', 'http', 'sideEffect'].includes(r.fact.kind) && !isRequeue(consumer, r.fact));
      if (!risky.length) continue;
      const delivery = consumerDelivery(model, consumer);
      if (delivery.redelivers === false) continue;
      // The headline is the most consequential effect; append-only rows alone are information.
      const major = risky.filter((r) => !isAppendOnly(r.fact));
      const first = major[0] ?? risky[0];
      const direct = delivery.redelivers === true && delivery.direct;
      report({
        messageId: 'unguarded',
        data: {
          handler: `The ${consumer.detail}`, effect: effectVerb(first.fact.kind, first.fact.detail), where: describeAt(model, first.fact.node),
          alternative: alternativeFor(first.fact),
          delivery: direct ? capitalize(delivery.said) : `Inferred: ${delivery.said}`,
          minor: major.length ? '' : ' Only append-only records (log, audit, history, analytics rows) are repeated: duplicates a reader must tolerate, not a repeated charge or message.',
        },
        maxSeverity: !major.length ? 'info' : direct ? undefined : 'warning',
        inferred: !direct,
        location: model.locationOf(consumer.node),
        snippet: consumer.detail,
        related: [...major, ...risky.filter((r) => !major.includes(r))].slice(0, 3).map((r) => ({
          ...model.locationOf(r.fact.node),
          message: `${r.fact.detail}: repeated on every redelivery`,
        })),
        fixes: () => inboxFix(model, consumer),
      });
    }
  },
});

/** A write to a table named as a log (`action_log`, `ActionLog`, `audit_events`, `analytics`), not `catalog` or `blog`. */
function isAppendOnly(fact: Fact): boolean {
  if (fact.kind !== 'write' || !fact.table) return false;
  const words = fact.table.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean);
  const last = words[words.length - 1] ?? '';
  return APPEND_ONLY_WORD.test(last) || /^audit/i.test(words[0] ?? '') || (/^entr(y|ies)$/i.test(last) && words.some((w) => /^(log|audit)$/i.test(w)));
}

/** Retry and dead-letter destinations: putting the message there is a requeue, not a new event. */
const RETRY_CHANNEL = /retry|dlq|dead.?letter|delay|parking/i;

/**
 * A requeue of the message being handled (`channel.sendToQueue(queue, msg.content, msg.properties)`
 * back to its own queue or to a retry/dead-letter one) is not a new publish: it is the same message,
 * and its consumer sees it as a redelivery.
 */
function isRequeue(consumer: Fact, fact: Fact): boolean {
  if (fact.kind !== 'publish' || !consumer.messageNames?.length) return false;
  const call = fact.node.getFirstAncestor((a) => Node.isCallExpression(a));
  if (!call || !Node.isCallExpression(call)) return false;
  const sameChannel = (!!fact.channel && fact.channel === consumer.channel) || RETRY_CHANNEL.test(fact.channel ?? call.getArguments()[0]?.getText() ?? '');
  if (!sameChannel) return false;
  const names = consumer.messageNames.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  const carried = new RegExp(`^(${names.join('|')})(\\.(content|value|body|Body|data))?$`);
  return call.getArguments().some((a) => carried.test(a.getText()));
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

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
