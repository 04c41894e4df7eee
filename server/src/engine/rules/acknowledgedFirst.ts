/**
 * A handler that acknowledges its message before doing anything else: `channel.ack(msg)` (amqplib),
 * `context.getChannelRef().ack(context.getMessage())` (NestJS RMQ), an SQS `DeleteMessageCommand`, a
 * kafkajs `commitOffsets`, written as a statement of the handler's own body ahead of the effects, or in
 * a small helper it calls there (`this.rmq.acknowledgeMessage(context)`). Once the broker has the ack it
 * never delivers the message again: the effects after it run at most once (a crash loses the message,
 * which is not this rule's concern), so a redelivery cannot repeat them.
 */
import { Node, SyntaxKind, type CallExpression } from 'ts-morph';
import type { Analysis } from '../facts/analysis';
import type { Reached } from '../facts/effects';
import { isAcknowledgeCall } from '../facts/libraries/delivery';

/** The position after which every effect of `handler` runs on an acknowledged message, or undefined. */
export function acknowledgedAt(handler: Node, analysis: Analysis): number | undefined {
  const body = (handler as unknown as { getBody?(): Node | undefined }).getBody?.();
  if (!body || !Node.isBlock(body)) return undefined;
  for (const stmt of body.getStatements()) {
    if (!Node.isExpressionStatement(stmt)) continue;
    const call = unwrapAwait(stmt.getExpression());
    if (!call || !Node.isCallExpression(call)) continue;
    if (acknowledges(call) || helperAcknowledges(call, analysis)) return stmt.getEnd();
  }
  return undefined;
}

/** Effects that run only after the handler acknowledged its message (see acknowledgedAt). */
export function afterAcknowledge(r: Reached, at: number | undefined): boolean {
  return at !== undefined && r.via.getStart() >= at;
}

function unwrapAwait(expr: Node): Node | undefined {
  let e: Node = expr;
  while (Node.isAwaitExpression(e) || Node.isParenthesizedExpression(e) || Node.isVoidExpression(e)) e = e.getExpression();
  return e;
}

/** A workspace function called there whose own body acknowledges (one call deep: `acknowledgeMessage(context)`). */
function helperAcknowledges(call: Node, analysis: Analysis): boolean {
  const fn = analysis.resolveCallee(call);
  if (!fn) return false;
  return fn.getDescendantsOfKind(SyntaxKind.CallExpression).some(acknowledges);
}

/** The call itself acknowledges: its callee (`channel.ack`), or the command it sends (`sqs.send(new DeleteMessageCommand(...))`); not a callback it is given. */
function acknowledges(call: CallExpression): boolean {
  const first = call.getArguments()[0];
  return isAcknowledgeCall(`${call.getExpression().getText()}(`) || (!!first && Node.isNewExpression(first) && isAcknowledgeCall(`new ${first.getExpression().getText()}`));
}
