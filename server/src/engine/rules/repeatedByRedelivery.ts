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

export function repeatedByRedelivery(model: SystemModel, fn: Node, at: Reached, callers: Caller[], consumers: Map<Node, Fact>): boolean {
  const roots = [...new Set([...(consumers.has(fn) ? [fn] : []), ...outermost(callers, consumers)])];
  if (!roots.length) return false;
  for (const root of roots) {
    const consumer = consumers.get(root);
    // A request handler answers a failure with an error reply: only a crash redelivers, a failed publish is lost.
    if (!consumer || consumer.request) return false;
    const delivery = consumerDelivery(model, consumer);
    if (delivery.redelivers !== true || !delivery.direct) return false;
    if (repeatMayStop(model, root)) return false;
  }
  return !failureSwallowed(at, fn);
}

/**
 * True when the publish's failure does not reach its caller: the call returns a promise that is not
 * awaited or returned (fire and forget), has a `.catch(...)`, or sits in a `try` whose `catch` does not rethrow. Checked
 * in the publish's own function and at the call in the flow's function.
 */
function failureSwallowed(at: Reached, fn: Node): boolean {
  const points: [Node, Node | undefined, boolean][] = [[at.via, fn, !at.path.length && !!at.fact.synchronous]];
  if (at.path.length) points.push([at.fact.node, at.path[at.path.length - 1], !!at.fact.synchronous]);
  return points.some(([node, owner, synchronous]) => !!owner && swallowedIn(node, owner, synchronous));
}

/** `synchronous`: the call returns no promise (Fact.synchronous), so leaving it unawaited loses nothing. */
function swallowedIn(node: Node, owner: Node, synchronous: boolean): boolean {
  const call = Node.isCallExpression(node) ? node : node.getFirstAncestor((a) => Node.isCallExpression(a));
  if (!call) return false;
  let outer: Node = call;
  for (let p = outer.getParent(); p && (Node.isPropertyAccessExpression(p) || Node.isCallExpression(p) || Node.isParenthesizedExpression(p)); p = p.getParent()) {
    if (Node.isPropertyAccessExpression(p) && p.getName() === 'catch') return true;
    outer = p;
  }
  const parent = outer.getParent();
  if (!synchronous && parent && (Node.isExpressionStatement(parent) || Node.isVoidExpression(parent))) return true;
  for (let child: Node = outer, n = outer.getParent(); n && n !== owner; child = n, n = n.getParent()) {
    if (Node.isTryStatement(n) && child === n.getTryBlock()) {
      const handler = n.getCatchClause();
      if (handler && !handler.getBlock().getDescendants().some((d) => Node.isThrowStatement(d))) return true;
    }
  }
  return false;
}
