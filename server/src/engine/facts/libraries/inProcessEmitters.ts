/**
 * In-process emitters: an `EventEmitter` of Node's `events` module signals the listeners of the same
 * process (a live push to the server-sent-event connections open there), delivered to whoever listens
 * at that moment or to nobody. Which modules these are is this table.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Analysis } from '../analysis';
import { builtBy } from '../syntax';
import { importedAs } from '../importBindings';

const EVENTS_MODULES = new Set(['events', 'node:events']);

/**
 * True when the function (or a workspace function it calls, two levels down) emits on an `EventEmitter`
 * of Node's `events` module: `notificationEmitter.emit('newNotification', n)` where
 * `notificationEmitter = new EventEmitter()`.
 */
export function emitsInProcess(fn: Node, analysis: Analysis, depth = 0): boolean {
  for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = call.getExpression();
    if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'emit' && builtBy(call, isNodeEmitter)) return true;
    if (depth < 2) {
      const next = analysis.resolveCallee(call);
      if (next && next !== fn && emitsInProcess(next, analysis, depth + 1)) return true;
    }
  }
  return false;
}

/** `new EventEmitter()` (or `new events.EventEmitter()`) with the name imported from `events` or `node:events`. */
function isNodeEmitter(n: Node): boolean {
  if (!Node.isNewExpression(n)) return false;
  const cls = n.getExpression();
  const imported = importedAs(Node.isPropertyAccessExpression(cls) ? cls.getExpression() : cls);
  return !!imported && EVENTS_MODULES.has(imported.module);
}
