/**
 * Whether a reached call's failure reaches the flow that made it. Two readings:
 * - `failureSwallowed`: the failure does not reach the caller at all (a promise let go of, a
 *   `.catch(...)`, or a `try` whose `catch` does not rethrow), so a redelivery is not triggered by it;
 * - `declaredBestEffort`: the flow says in so many words that the call may fail without
 *   consequence: a `.catch(...)` whose handler neither rethrows nor rejects, or a `try` around the
 *   call (and not around the write it is paired with) whose `catch` lets the flow go on (no
 *   `throw`, no `return` of a value), and either says in a comment that the failure is accepted
 *   ("non-critical", "don't fail", "ignore", "best effort") or does not log it at error level. A
 *   promise merely not awaited says nothing of the kind. The function that sends may say it for
 *   all its callers, but only in a comment.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Reached } from './effects';
import { isFunctionBoundary } from './effects';
import { functionName } from './carriers';

/** The failure of `at` does not reach `fn`: checked in the publish's own function and at the call in the flow's function. */
export function failureSwallowed(at: Reached, fn: Node): boolean {
  const points: [Node, Node | undefined, boolean][] = [[at.via, fn, !at.path.length && !!at.fact.synchronous]];
  if (at.path.length) points.push([at.fact.node, at.path[at.path.length - 1], !!at.fact.synchronous]);
  return points.some(([node, owner, synchronous]) => !!owner && swallowedIn(node, owner, synchronous ? 'handled' : 'any'));
}

/**
 * `at`'s failure is caught and dropped on purpose where `fn` makes the call (a `.catch(() => {})` on
 * it, or a `try` around it whose `catch` lets the flow go on). The `try` must not also hold `other`'s
 * call (a `try` around the whole flow is error handling, not a choice about one call). A helper that
 * catches inside itself is not counted: it decides for every caller, and none of them said the event
 * may be lost.
 */
export function declaredBestEffort(at: Reached, fn: Node, other?: Reached): boolean {
  if (swallowedIn(at.via, fn, 'declared', other?.via)) return true;
  if (noticeCaught(at, fn, other)) return true;
  // The function that sends catches the failure itself and says in a comment that losing it is accepted
  // (`// We don't want to fail the job if this notification fails`): its author declared it for every caller.
  const sender = at.path[at.path.length - 1];
  return !!sender && swallowedIn(at.fact.node, sender, 'said', other?.path.includes(sender) ? other.fact.node : undefined);
}

/** Names of the calls and helpers that send a person a notice: an e-mail, a notification, a reminder, an alert. */
const NOTICE = /notif|e-?mail|mail(?!box)|\bsms|Sms|reminder|alert/i;

/**
 * A notice to a person, sent through a call or a helper named for it (`sendPasswordChangedNotification`,
 * `enqueueEmail`, a method of `NotificationService`), whose failure is caught and not passed on where that call is made, in the flow
 * (a `try` around the call but not around the write) or in the helper itself, whatever the handler
 * logs: its author chose not to fail the work for an e-mail, so losing it is accepted by design.
 * Events that other services keep state from are not notices, and still need the comment above.
 */
function noticeCaught(at: Reached, fn: Node, other?: Reached): boolean {
  const owners = [fn, ...at.path];
  const points = [at.via, ...at.steps];
  return points.some((point, i) => {
    const owner = owners[i];
    if (!owner) return false;
    const named = NOTICE.test(calleeText(point)) || (i > 0 && (NOTICE.test(functionName(owner) ?? '') || NOTICE.test(className(owner))));
    return named && swallowedIn(point, owner, 'caught', i === 0 ? other?.via : undefined);
  });
}

/** The class a method belongs to (`trigger` of `NotificationService`): a helper named for a notice by its class. */
function className(fn: Node): string {
  const cls = fn.getFirstAncestor((a) => Node.isClassDeclaration(a));
  return cls && Node.isClassDeclaration(cls) ? cls.getName() ?? '' : '';
}

/** The name a call is made by (`sendWelcomeEmail` in `await this.mailer.sendWelcomeEmail(user)`). */
function calleeText(node: Node): string {
  const call = Node.isCallExpression(node) ? node : node.getFirstAncestor((a) => Node.isCallExpression(a));
  const callee = call && Node.isCallExpression(call) ? call.getExpression() : undefined;
  return callee && Node.isPropertyAccessExpression(callee) ? callee.getName() : callee?.getText() ?? '';
}

/**
 * `at`'s failure is caught and not passed on, in `fn` or in a function on the way to it: a `try` whose
 * `catch` neither rethrows nor hands the error on, or a `.catch(...)` that does not. A promise merely
 * let go of does not count (its rejection may still reach a callback that fails the work).
 */
export function failureCaught(at: Reached, fn: Node): boolean {
  const owners = [fn, ...at.path];
  const points = [at.via, ...at.steps];
  return points.some((node, i) => !!owners[i] && swallowedIn(node, owners[i], 'caught'));
}

/**
 * `said`: as `declared`, but only a comment that accepts the failure counts (a helper deciding for its callers).
 * `caught`: a `try`/`catch` or `.catch` that does not pass the failure on, whatever it logs.
 */
type Mode = 'any' | 'handled' | 'caught' | 'declared' | 'said';

/** `handled`: a let-go call (no await) does not count, the call returns no promise whose rejection is lost. */
function swallowedIn(node: Node, owner: Node, mode: Mode, notAround?: Node): boolean {
  const call = Node.isCallExpression(node) ? node : node.getFirstAncestor((a) => Node.isCallExpression(a));
  if (!call) return false;
  let outer: Node = call;
  for (let p = outer.getParent(); p && (Node.isPropertyAccessExpression(p) || Node.isCallExpression(p) || Node.isParenthesizedExpression(p)); p = p.getParent()) {
    if (Node.isPropertyAccessExpression(p) && p.getName() === 'catch') {
      if (mode === 'any' || mode === 'handled') return true;
      const handler = p.getParent();
      const cb = Node.isCallExpression(handler) ? handler.getArguments()[0] : undefined;
      if (mode === 'caught') return !!cb && !passesOnFailure(cb, false);
      return !!cb && !passesOnFailure(cb, false) && (saysAccepted(cb, call) || (mode === 'declared' && !reportsError(cb)));
    }
    outer = p;
  }
  const parent = outer.getParent();
  if (mode === 'any' && parent && (Node.isExpressionStatement(parent) || Node.isVoidExpression(parent))) return true;
  for (let child: Node = outer, n = outer.getParent(); n && n !== owner; child = n, n = n.getParent()) {
    // A `try` outside a callback does not see what the callback's promise does (`forEach(async ...)`): no claim.
    if ((mode === 'declared' || mode === 'said') && isFunctionBoundary(n)) return false;
    if (Node.isTryStatement(n) && child === n.getTryBlock()) {
      const handler = n.getCatchClause();
      if (!handler) continue;
      if (mode === 'any' || mode === 'handled') {
        if (!handler.getBlock().getDescendants().some((d) => Node.isThrowStatement(d))) return true;
        continue;
      }
      if (notAround && n.getTryBlock().containsRange(notAround.getPos(), notAround.getEnd())) return false;
      if (mode === 'caught') {
        if (!passesOnFailure(handler.getBlock(), true)) return true;
        continue;
      }
      return !passesOnFailure(handler.getBlock(), true) && (saysAccepted(handler.getBlock(), n) || (mode === 'declared' && !reportsError(handler.getBlock())));
    }
  }
  return false;
}

/** Words of a comment that accepts a failure: `// Log but don't fail logout - event publishing is non-critical`. */
const ACCEPTED = /non-?critical|not critical|best[- ]effort|fire[- ]and[- ]forget|do(?:n'?t| not)(?: want to)? (?:fail|block|throw)|should(?:n'?t| not) (?:fail|block)|\bignor(?:e|ed|ing)\b|\boptional\b/i;
const COMMENT = /\/\/[^\n]*|\/\*[\s\S]*?\*\//g;
/** Words of a comment that records the loss as a gap to close: a TODO, a retry or dead-letter queue still to add. */
const KNOWN_GAP = /\b(TODO|FIXME|XXX)\b|consider (?:implementing|adding|using)|\b(?:should|need to|needs to|will need to) (?:add|implement|retry)/i;

/**
 * A comment in the failure handler, or leading the statement that makes the call (or the `try`), says
 * the failure is accepted: the author declared the call best-effort, whatever level the log is at.
 */
function saysAccepted(handler: Node, around: Node): boolean {
  const statement = around.getFirstAncestor((a) => Node.isStatement(a) && !Node.isBlock(a)) ?? around;
  const texts = [...(handler.getText().match(COMMENT) ?? []), ...statement.getLeadingCommentRanges().map((c) => c.getText()),
    ...(Node.isStatement(around) ? around.getLeadingCommentRanges().map((c) => c.getText()) : [])];
  // `// Consider implementing a retry mechanism or dead letter queue for failed sends`: the author records the loss as a
  // gap to close, not as a loss accepted by design.
  return texts.some((t) => ACCEPTED.test(t)) && !texts.some((t) => KNOWN_GAP.test(t));
}

/**
 * A failure handler that logs at error level (`logger.error(...)`, `console.error`, `this.log.error`):
 * the author counts the failure as an error, not as an outcome the flow accepts, so the call is not
 * declared best-effort. Ignoring it (`.catch(() => {})`), or noting it at a lower level, is.
 */
function reportsError(handler: Node): boolean {
  return handler.getDescendantsOfKind(SyntaxKind.CallExpression).some((c) => {
    const callee = c.getExpression();
    return Node.isPropertyAccessExpression(callee) && /^(error|fatal|critical|captureException)$/.test(callee.getName());
  });
}

/**
 * A failure handler that rethrows, rejects, exits or hands the error on (`next(err)`), or, in a
 * `catch` block, returns a value (an error reply, a failed result): the failure is passed on. A
 * `.catch` callback's return value is what the call then resolves to, so only a throw passes it on there.
 */
function passesOnFailure(handler: Node, block: boolean): boolean {
  return handler.getDescendants().some((d) => Node.isThrowStatement(d) || (block && Node.isReturnStatement(d) && !!d.getExpression())
    || (Node.isPropertyAccessExpression(d) && ['reject', 'exit'].includes(d.getName()))
    || (Node.isCallExpression(d) && /^(reject|next|done|callback|cb)$/.test(d.getExpression().getText())));
}
