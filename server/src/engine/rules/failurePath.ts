/**
 * A send made only when something else failed: on the way from the flow to the publish, a call sits
 * in a `catch` block or in a failure callback (`.catch(cb)`, the second argument of `.then`). It is a
 * fallback (`sendMail(...).catch(() => queue.send('email-queue', ...))`) or an alert about that
 * failure, not the event that announces the flow's write, so dual-write does not pair the two. A write
 * made in the same failure handler still pairs with it: the failure path's own dual write.
 */
import { Node } from 'ts-morph';
import type { Reached } from '../facts/effects';

/** The failure handler (a catch block or a failure callback) that the publish is reached through, if any. */
export function failureHandlerOf(r: Reached, fn: Node): Node | undefined {
  const owners = [fn, ...r.path];
  const points = [r.via, ...r.steps];
  for (let i = 0; i < points.length; i++) {
    const owner = owners[i];
    if (!owner) continue;
    for (let n: Node | undefined = points[i]; n && n !== owner; n = n.getParent()) {
      const parent = n.getParent();
      if (!parent) break;
      if (Node.isCatchClause(parent) && n === parent.getBlock()) return parent;
      if (Node.isCallExpression(parent) && (Node.isArrowFunction(n) || Node.isFunctionExpression(n)) && isFailureCallback(parent, n)) return n;
    }
  }
  return undefined;
}

function isFailureCallback(call: Node, fn: Node): boolean {
  if (!Node.isCallExpression(call)) return false;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee)) return false;
  const args = call.getArguments();
  return (callee.getName() === 'catch' && args[0] === fn) || (callee.getName() === 'then' && args[1] === fn);
}

/** True when the publish is sent only on a failure path that the write is not on. */
export function sentOnFailureOnly(publish: Reached, write: Reached, fn: Node): boolean {
  const handler = failureHandlerOf(publish, fn);
  if (!handler) return false;
  const at = write.via;
  return !(handler.getSourceFile() === at.getSourceFile() && handler.containsRange(at.getPos(), at.getEnd()));
}
