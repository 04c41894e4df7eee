/**
 * What can stop a redelivered message before it repeats a handler's effects: a deduplication
 * guard (an inbox row, a conditional write, `SET NX`, a helper named as one, a unique violation
 * caught and skipped), an insert keyed on
 * a given or declared key (the repeat fails on it), an existence check before a write, a set
 * deleted and inserted again (replacedSet.ts), or a
 * state-machine check the flow moves past. non-idempotent-consumer reports a handler with none of
 * these; dual-write leaves alone a flow whose every entry is such a handler, since the broker's
 * redelivery runs the write and the publish again.
 */
import { replacedSet } from './replacedSet';
import { Node } from 'ts-morph';
import { pathRelation } from '../facts/paths';
import type { Fact } from '../facts/facts';
import { isFunctionBoundary, pointsOnTheWay, type Reached } from '../facts/effects';
import type { SystemModel } from '../model';
import { guardedByExistenceCheck, writtenStores } from './existenceCheckGuard';
import { guardedByStateTransition } from './stateTransitionGuard';
import { duplicateKeyCaught } from './duplicateKeyCatch';

/**
 * Names of guard helpers real code uses; a call to one counts as a guard we cannot see into.
 * They check or record that a message was seen (`isDuplicate`, `markProcessed`, `wasHandled`,
 * `inbox.save`, `checkIdempotency`, `eventWasProcessed`, `messageAlreadyHandled`); a name that merely contains "duplicate" (`duplicateMedia`) is not one,
 * nor is a handler whose name starts like one (`handleDeposit` is not `handled`: case counts).
 */
export const GUARD_CALL = /^(is|has|was|check|ensure|assert|mark|record|skip|guard|already|track|save|store|remember)\w*([Pp]rocessed|[Hh]andled|[Dd]uplicate|[Ss]een|[Cc]onsumed|[Dd]elivered)|[a-z](Was|Is|Has|Already)(Been)?(Processed|Handled|Seen|Consumed|Delivered|Duplicate)(?![a-z])|^([Pp]rocessed|[Hh]andled)(?![a-z])|[Dd]edup|DEDUP|[Ii]dempoten|IDEMPOTEN|[Ii]nbox|INBOX/;

/**
 * A guard the handler reaches, a call to a helper named as one, or a write whose unique-key
 * violation the code catches and skips (the store's key is the dedupe, see duplicateKeyCatch).
 */
export function handlerDeduplicates(model: SystemModel, handler: Node): boolean {
  const reached = model.effects.of(handler);
  if (reached.some((r) => r.fact.kind === 'guard') || model.effects.callsNamed(handler, GUARD_CALL)) return true;
  // A unique violation caught and skipped stops the whole flow only when that insert is the flow's first
  // effect (an inbox row); one caught in one branch (a contest entry among other event types) guards that insert alone.
  const first = reached.find((r) => EFFECT_KINDS.has(r.fact.kind));
  return !!first && first.fact.kind === 'write' && duplicateKeyCaught(first) && pointsOnTheWay(first).every(unconditional);
}

/** A node its function reaches on every run: not inside a branch (`if`, `case`, `?:`, `&&`/`||`, a loop or a `catch`). */
function unconditional(node: Node): boolean {
  for (let child: Node = node, n = node.getParent(); n && !isFunctionBoundary(n); child = n, n = n.getParent()) {
    if (Node.isIfStatement(n) && child !== n.getExpression()) return false;
    if (Node.isCaseClause(n) || Node.isDefaultClause(n) || Node.isCatchClause(n) || Node.isConditionalExpression(n) && child !== n.getCondition()) return false;
    if ((Node.isForStatement(n) || Node.isForOfStatement(n) || Node.isForInStatement(n) || Node.isWhileStatement(n) || Node.isDoStatement(n)) && child === n.getStatement()) return false;
    if (Node.isBinaryExpression(n) && child === n.getRight() && ['&&', '||', '??'].includes(n.getOperatorToken().getText())) return false;
  }
  return true;
}

const EFFECT_KINDS = new Set(['write', 'publish', 'http', 'sideEffect']);

/**
 * An insert that sets its model's primary or unique key (as the ORM schema declares it) from the
 * message: a redelivery collides on that key instead of adding a second row, like an insert keyed on `id`.
 */
export function keyedByDeclaredKey(model: SystemModel, fact: Fact): boolean {
  return fact.kind === 'write' && !!fact.insertKeys?.length && !!model.insertKey(fact);
}

/** An insert keyed on an id it is given (`create({ data: { id: event.id } })`, `insertOne({ _id })`): a repeat fails on it. */
function keyedOnGivenId(fact: Fact): boolean {
  return fact.kind === 'write' && /\(keyed on /.test(fact.detail);
}

/**
 * An effect a repeat does not redo: an insert keyed on a declared key the message gives (it fails
 * on the repeat), an insert whose unique violation the flow catches and skips, or an effect behind an existence check on a store the flow writes (`written`,
 * see writtenStores).
 */
export function effectDeduplicated(model: SystemModel, handler: Node, effect: Reached, written: Set<string>): boolean {
  return keyedByDeclaredKey(model, effect.fact) || (effect.fact.kind === 'write' && duplicateKeyCaught(effect)) || guardedByExistenceCheck(handler, effect, written, (c) => model.analysis.resolveCallee(c))
    || replacedSet(model.effects.of(handler), handler, effect);
}

/**
 * True when something in the handler's flow can stop a redelivered message before its effects repeat.
 * With `target` (an effect the handler reaches), only what can stop the repeat before that effect
 * counts: an effect on a branch that excludes it, or after it, does not (a keyed insert in another
 * case of a dispatching `switch` does not stop this case from running again).
 */
export function repeatMayStop(model: SystemModel, handler: Node, target?: Reached): boolean {
  if (handlerDeduplicates(model, handler)) return true;
  const reached = model.effects.of(handler);
  const written = writtenStores(reached);
  if (!target) {
    if (reached.some((r) => r.fact.kind === 'write' && (keyedOnGivenId(r.fact) || effectDeduplicated(model, handler, r, written)))) return true;
    return guardedByStateTransition(handler, reached.filter((r) => EFFECT_KINDS.has(r.fact.kind)), (c) => model.analysis.resolveCallee(c));
  }
  // Before one effect, the repeat stops at a check that guards that effect, or at a keyed insert on
  // the way that fails on the repeat (not one whose duplicate is caught or that an existence check
  // skips: the flow goes on past those, as it does past an upsert).
  const onTheWay = (r: Reached) => r === target || !apart(r, target, handler);
  const checked = (r: Reached) => guardedByExistenceCheck(handler, r, written, (c) => model.analysis.resolveCallee(c));
  if (checked(target)) return true;
  const failsOnRepeat = (r: Reached) => (keyedOnGivenId(r.fact) || keyedByDeclaredKey(model, r.fact)) && !duplicateKeyCaught(r) && !checked(r);
  if (reached.some((r) => r.fact.kind === 'write' && onTheWay(r) && failsOnRepeat(r))) return true;
  return guardedByStateTransition(handler, reached.filter((r) => EFFECT_KINDS.has(r.fact.kind) && onTheWay(r)), (c) => model.analysis.resolveCallee(c));
}

/**
 * Two effects reached from `root` that no execution runs in the order `a` then `b`: on exclusive
 * branches, or `a` after `b`, compared in the deepest function both paths pass through.
 */
function apart(a: Reached, b: Reached, root: Node): boolean {
  const at = (r: Reached, level: number) => (level === 0 ? r.via : r.steps[level - 1]);
  const fnAt = (r: Reached, level: number) => (level === 0 ? root : r.path[level - 1]);
  for (let level = 0; level <= Math.min(a.path.length, b.path.length); level++) {
    if (fnAt(a, level) !== fnAt(b, level)) return false;
    const x = at(a, level);
    const y = at(b, level);
    if (x === y) continue;
    return pathRelation(x, y, fnAt(a, level)) === 'exclusive' || x.getPos() > y.getPos();
  }
  return false;
}
