/**
 * Calls that never come back: on the way from a flow's call to an effect, a function that always throws
 * after the call leading to the effect (a publish followed by `throw new RetryError()`, an update in a
 * `catch` that rethrows) returns to the flow only by throwing, unless a caller on the way catches.
 */
import { Node } from 'ts-morph';
import { isFunctionBoundary, type Reached } from './effects';

/**
 * True when, on the way from the flow's call to the effect, some function always throws after the
 * call that leads to the effect (or after the effect itself), and no function closer to the flow
 * makes that call inside a `try`.
 */
export function throwsBeforeReturning(effect: Reached, fn: Node): boolean {
  // points[0] is the flow's call, points[i + 1] the call (or the publish) in effect.path[i].
  const points = [effect.via, ...effect.steps];
  const owners = [fn, ...effect.path];
  for (let i = 1; i < points.length; i++) {
    if (insideTry(points[i - 1], owners[i - 1])) return false;
    if (throwsAfter(points[i])) return true;
  }
  return false;
}

/** True when the statement holding `node` is followed, in its function, by a `throw` that always runs (no `try` in between). */
function throwsAfter(node: Node): boolean {
  for (let child: Node = node, n = node.getParent(); n; child = n, n = n.getParent()) {
    if (isFunctionBoundary(n)) return false;
    if (Node.isTryStatement(n)) return false;
    if (Node.isBlock(n)) {
      const after = n.getStatements().slice(n.getStatements().indexOf(child as never) + 1);
      const at = after.findIndex((st) => Node.isThrowStatement(st));
      // Nothing on the way may leave first (`if (ok) return;` before the throw).
      if (at >= 0 && !after.slice(0, at).some((st) => st.getDescendants().some((d) => Node.isReturnStatement(d) || Node.isBreakStatement(d) || Node.isContinueStatement(d)))) return true;
    }
  }
  return false;
}

/** True when `node` sits in a `try` block of fn: a throw from the call may be caught and the flow go on. */
function insideTry(node: Node, fn: Node): boolean {
  for (let child: Node = node, n = node.getParent(); n && n !== fn; child = n, n = n.getParent()) {
    if (Node.isTryStatement(n) && child === n.getTryBlock()) return true;
  }
  return false;
}
