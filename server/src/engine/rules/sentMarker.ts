/**
 * A write made after a send that records the send itself: `await notify(...)` then
 * `UPDATE sessions SET reminder_email_sent = true`, `{ notifiedAt: new Date() }`, `item.emailSentAt = now`.
 * It is the send's bookkeeping, not a change the message announces: if the write fails, the send has
 * happened and the next run (a scheduled job selecting what is not yet marked, a redelivery) sends
 * again. That is at-least-once delivery, the order an outbox relay itself uses (publish, then mark).
 * dual-write does not pair the two. A marker named for a business state (`published`, `paid`) is not
 * a sent marker: the event would announce a state that may not be saved.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Reached } from '../facts/effects';
import { isFunctionBoundary } from '../facts/effects';
import { initializerOf } from '../facts/syntax';

/**
 * Field names that record a notification or message having gone out (camelCase or snake_case), or
 * a scan's watermark (`lastCheckedDate`, `last_scanned_at`): a periodic scan that sends what it finds
 * and then records when it looked re-derives and re-sends the same on its next run if that write fails.
 */
const SENT_FIELD = /(sent|notified|emailed|reminded)(_?(at|on|date|time))?$|^(is_?)?(sent|notified|emailed|reminded)$|^last_?(checked|scanned|polled)(_?(at|on|date|time))?$/i;

/** SQL or an update expression (DynamoDB `SET a = :a, b = :b`): the columns after `SET`. */
const SET_CLAUSE = /\bSET\b([\s\S]*)/i;

/**
 * True when `write` sets a field named as a sent marker: in its call's arguments, in those of the flow's call that
 * leads to it (a store method given the record), or in the callee it
 * sits in when that callee makes no other of the flow's `writes` (a small writer such as `markSessionAsExpired`
 * builds its command beside the call).
 */
export function recordsTheSend(write: Reached, writes: Reached[]): boolean {
  if (write.fact.kind !== 'write') return false;
  const call = write.fact.node.getFirstAncestorByKind(SyntaxKind.CallExpression) ?? (Node.isCallExpression(write.fact.node) ? write.fact.node : undefined);
  const scopes: Node[] = [];
  if (call && Node.isCallExpression(call)) {
    // `send(updateCommand)`: also the `const` the argument names, one step back.
    for (const arg of call.getArguments()) scopes.push(arg, ...(Node.isIdentifier(arg) ? [initializerOf(arg)].filter((n): n is Node => !!n) : []));
  }
  // `leaseStore.update({ ...lease, lastCheckedDate })`: the fields the flow gives the call that leads to the write.
  const via = write.path.length ? (Node.isCallExpression(write.via) ? write.via : write.via.getFirstAncestorByKind(SyntaxKind.CallExpression)) : undefined;
  if (via && via !== call) scopes.push(...via.getArguments());
  const owner = write.fact.node.getFirstAncestor(isFunctionBoundary);
  const ownerOf = (r: Reached) => r.fact.node.getFirstAncestor(isFunctionBoundary);
  if (owner && write.path.length && !writes.some((w) => w.fact !== write.fact && ownerOf(w) === owner)) scopes.push(owner);
  return scopes.some(setsSentField);
}

function setsSentField(scope: Node): boolean {
  for (const n of [scope, ...scope.getDescendants()]) {
    if (Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n)) {
      const set = SET_CLAUSE.exec(n.getLiteralText())?.[1];
      if (set && set.split(',').some((part) => SENT_FIELD.test(part.split('=')[0].trim().replace(/["`]/g, '').split('.').pop() ?? ''))) return true;
    } else if (Node.isPropertyAssignment(n) || Node.isShorthandPropertyAssignment(n)) {
      if (SENT_FIELD.test(n.getName()) && !!n.getFirstAncestorByKind(SyntaxKind.CallExpression)) return true;
    } else if (Node.isBinaryExpression(n) && n.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
      const left = n.getLeft();
      if (Node.isPropertyAccessExpression(left) && SENT_FIELD.test(left.getName())) return true;
    }
  }
  return false;
}
