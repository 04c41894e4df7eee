/**
 * A state-machine guard: before its effects, a handler (or a function on the way to them) refuses
 * to go on unless an entity is in one state (`if (order.status !== OrderStatus.READY) throw ...`),
 * and the flow then moves the entity to another state (`order.status = OrderStatus.PICKED_UP`, an
 * update setting `status`). A redelivered message finds the entity already moved and stops at the
 * check, so the effects after it do not repeat. Which fields name a state is a table (isStateField:
 * `status`, `payment_status`, `paymentStatus`). An effect that runs only when the state a write
 * returns from before it (`previousStatus`) differed is guarded the same way (priorStateChecked).
 * A check may also sit in a validator the flow calls first (`throwIfTenantBuilt(tenant)` whose body is
 * `if (tenant.builtAt) throw ...`): it stops the flow as the `if` itself would.
 */
import { Node, SyntaxKind, type BinaryExpression, type IfStatement } from 'ts-morph';
import { isFunctionBoundary, pointsOnTheWay, type Reached } from '../facts/effects';
import { declarationOf } from '../facts/syntax';
import { exitJumps } from '../facts/jumps';
import { calledBody, type Resolve } from './existenceCheckGuard';

/** Fields that hold an entity's state in a state machine: `status`, `payment_status`, `paymentStatus`, `orderState`. */
const STATE_FIELD_NAME = /^(status|state|stage|phase)$|_(status|state|stage|phase)$/i;
const STATE_FIELD_HUMP = /[a-z0-9](Status|State|Stage|Phase)$/;

export function isStateField(name: string): boolean {
  return STATE_FIELD_NAME.test(name) || STATE_FIELD_HUMP.test(name);
}

/** True when every effect is reached through a function that checks a state and the flow moves that state on. */
export function guardedByStateTransition(handler: Node, effects: Reached[], resolve?: Resolve): boolean {
  if (!effects.length) return false;
  if (effects.every((r) => priorStateChecked(r, resolve) || markerChecked(r, resolve))) return true;
  const checked = (fn: Node) => requiredStates(fn).size > 0;
  const fns = new Set<Node>([handler, ...effects.flatMap((r) => r.path)]);
  const required = new Set<string>([...fns].flatMap((fn) => [...requiredStates(fn)]));
  if (!required.size) return false;
  // The flow moves the state on: to a value other than one it requires (`!== READY`, then `= PICKED_UP`),
  // or to a value it refuses (`=== CANCELED` throws, then `= CANCELED`). Either way a repeat stops at the check.
  const requires = [...required].filter((v) => !v.startsWith('not:'));
  const moved = [...fns].some((fn) => setStates(fn).some((v) => required.has(`not:${v}`) || (requires.length > 0 && !requires.includes(v))));
  if (!moved) return false;
  return effects.every((r) => checked(handler) || r.path.some(checked));
}

/**
 * `previousStatus`, `prev_state`, `oldStatus`: the state a write returns from before it moved it
 * (`UPDATE ... OUTPUT deleted.status AS previousStatus`, `RETURNING` the old row,
 * `findOneAndUpdate` without `new`). Checked against a state, it tells whether this delivery made
 * the transition.
 */
const PRIOR_STATE_FIELD = /^(previous|prev|old|prior|former)_?(status|state|stage|phase)$/i;

/**
 * True when, within the function holding some point on the way to the effect (pointsOnTheWay), an
 * enclosing `if` lets the point run only when `runsOnlyIf` holds for it, or an earlier `if (...)
 * return|throw` (no `else`) in a block holding the point stops a repeat first (`stopsFirst`, given
 * the statements after that `if`).
 */
function guardedOnTheWay(effect: Reached, test: { runsOnlyIf(stmt: IfStatement): boolean; stopsFirst(stmt: IfStatement, after: Node[]): boolean }, resolve?: Resolve): boolean {
  return pointsOnTheWay(effect).some((point) => {
    for (let child: Node = point, n = point.getParent(); n; child = n, n = n.getParent()) {
      if (isFunctionBoundary(n)) return false;
      if (Node.isIfStatement(n) && child === n.getThenStatement() && test.runsOnlyIf(n)) return true;
      if (Node.isBlock(n)) {
        const stmts = n.getStatements();
        for (let i = 0; i < stmts.length && stmts[i] !== child; i++) {
          const stmt = stmts[i];
          const after = stmts.slice(i + 1);
          if (Node.isIfStatement(stmt) && !stmt.getElseStatement() && exits(stmt.getThenStatement()) && test.stopsFirst(stmt, after)) return true;
          if (resolve && validatorChecks(stmt, resolve).some((check) => test.stopsFirst(check, after))) return true;
        }
      }
    }
    return false;
  });
}

/**
 * The checks of a validator a statement calls (`throwIfTenantInitialized(tenant);`, `await
 * this.assertNotSent(order);`): the `if (...) throw` statements of its body, when every statement of
 * the body is one. A validator that also does other work is not read as a check.
 */
function validatorChecks(stmt: Node, resolve: Resolve): IfStatement[] {
  const checks = calledBody(stmt, resolve)?.body.getStatements() ?? [];
  const throwsOnly = (st: Node): st is IfStatement => Node.isIfStatement(st) && !st.getElseStatement()
    && !!exitJumps(st.getThenStatement().compilerNode)?.every((j) => j.kind === SyntaxKind.ThrowStatement);
  return checks.length > 0 && checks.every(throwsOnly) ? checks as IfStatement[] : [];
}

/**
 * An effect that runs only when the write's prior state differed from a state (`if (updated.
 * previousStatus !== 'COMPLETED' && ...) { publish }`), or after `if (updated.previousStatus ===
 * 'COMPLETED') return;`: a repeat finds the transition already made and skips it. The check may sit
 * around the effect or around a call on the way to it.
 */
function priorStateChecked(effect: Reached, resolve?: Resolve): boolean {
  return guardedOnTheWay(effect, {
    runsOnlyIf: (stmt) => conjuncts(stmt.getExpression()).some((c) => priorComparison(c) === 'differs'),
    stopsFirst: (stmt) => disjuncts(stmt.getExpression()).some((c) => priorComparison(c) === 'equals'),
  }, resolve);
}

/**
 * An effect that runs only while a field is unset, in a flow that sets it: `if (!canvas.version) {
 * ...; canvas.update({ data: { version } }) }`, or `if (order.invoiceId) return;` before effects
 * that write `invoiceId` (or call a function that does: `updateReceipt(id, receipt)` whose
 * `UpdateExpression` is `SET SendReceipt = :receipt`); also `if (record.sendReceipt !== 'unknown')
 * return;` on a looked-up record (movedFromSentinel); also `if (record.plates?.some((p) => p.issuer === ISSUER))
 * return;` before the flow adds to `plates` (heldElement). A one-time initialisation: a repeat finds the
 * field set and skips it.
 */
function markerChecked(effect: Reached, resolve?: Resolve): boolean {
  return guardedOnTheWay(effect, {
    runsOnlyIf: (stmt) => {
      const unset = conjuncts(stmt.getExpression()).map(unsetField).find((f) => f !== undefined);
      return !!unset && setsField(stmt.getThenStatement(), unset);
    },
    stopsFirst: (stmt, after) => {
      const set = disjuncts(stmt.getExpression()).map((c) => setField(c) ?? movedFromSentinel(c) ?? heldElement(c)).find((f) => f !== undefined);
      return !!set && after.some((later) => setsField(later, set) || calledFunctions(later, resolve).some((fn) => setsField(fn, set)));
    },
  }, resolve);
}

/**
 * `record.sendReceipt !== 'unknown'` on a record the flow looked up (`const record = await find(id)`): the field
 * still holds the value it was created with (a sentinel) only until the flow sets it, so a repeat finds it moved
 * on. A message's own fields (`msg.type !== 'created'`, a parameter) are filters, not markers.
 */
function movedFromSentinel(cond: Node): string | undefined {
  if (!Node.isBinaryExpression(cond) || ![SyntaxKind.ExclamationEqualsToken, SyntaxKind.ExclamationEqualsEqualsToken].includes(cond.getOperatorToken().getKind())) return undefined;
  const left = cond.getLeft();
  const right = cond.getRight();
  if (!Node.isPropertyAccessExpression(left) || !(Node.isStringLiteral(right) || Node.isNoSubstitutionTemplateLiteral(right) || Node.isNumericLiteral(right))) return undefined;
  const record = left.getExpression();
  const decl = Node.isIdentifier(record) ? declarationOf(record) : undefined;
  const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  return init && Node.isAwaitExpression(init) && Node.isCallExpression(init.getExpression()) ? left.getName() : undefined;
}

/** Membership tests a stored collection answers: `some`, `includes`, `find`, `has`. */
const MEMBERSHIP = new Set(['some', 'includes', 'find', 'has']);

/**
 * `record.plates?.some((p) => p.issuer === ISSUER) ?? false`, `!!record.tags.find(...)`, `record.ids.includes(id)`: the
 * collection field (`plates`) of a local record that already holds what the flow would add. A collection of the
 * message itself (a parameter) is a filter, not a marker.
 */
function heldElement(cond: Node): string | undefined {
  let c = cond;
  for (;;) {
    if (Node.isParenthesizedExpression(c) || Node.isNonNullExpression(c)) c = c.getExpression();
    else if (Node.isPrefixUnaryExpression(c) && c.getOperatorToken() === SyntaxKind.ExclamationToken && Node.isPrefixUnaryExpression(c.getOperand())) c = (c.getOperand() as typeof c).getOperand();
    else if (Node.isBinaryExpression(c) && c.getOperatorToken().getKind() === SyntaxKind.QuestionQuestionToken && c.getRight().getText() === 'false') c = c.getLeft();
    else break;
  }
  if (!Node.isCallExpression(c)) return undefined;
  const callee = c.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !MEMBERSHIP.has(callee.getName())) return undefined;
  let field: Node = callee.getExpression();
  while (Node.isNonNullExpression(field) || Node.isParenthesizedExpression(field)) field = field.getExpression();
  if (!Node.isPropertyAccessExpression(field)) return undefined;
  const root = field.getExpression();
  return Node.isIdentifier(root) && lookedUp(root, 0) ? field.getName() : undefined;
}

/**
 * A variable holding a record the flow looked up: `await find(id)`, or a value derived from one by a call or an
 * index (`format(dbRecord)`, `rows[0]`). The message parsed from the event (`JSON.parse(record.body)`) is not.
 */
function lookedUp(id: Node, depth: number): boolean {
  const decl = declarationOf(id);
  let init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  if (!init || depth > 2) return false;
  while (Node.isAsExpression(init) || Node.isParenthesizedExpression(init) || Node.isNonNullExpression(init)) init = init.getExpression();
  if (Node.isAwaitExpression(init)) return Node.isCallExpression(init.getExpression());
  if (Node.isElementAccessExpression(init)) return Node.isIdentifier(init.getExpression()) && lookedUp(init.getExpression(), depth + 1);
  return Node.isCallExpression(init) && init.getArguments().some((a) => (Node.isAwaitExpression(a) && Node.isCallExpression(a.getExpression())) || (Node.isIdentifier(a) && lookedUp(a, depth + 1)));
}

/** Calls that add to a collection field in place: `record.plates.push(plate)`. */
const ADDS = new Set(['push', 'unshift', 'add', 'set', 'splice']);

/**
 * The workspace functions a statement calls (`updateReceipt(id, receipt)`, imports followed; with
 * `resolve`, methods too: `this.tenants.markAsBuilt()`): one level.
 */
function calledFunctions(stmt: Node, resolve?: Resolve): Node[] {
  const out: Node[] = [];
  for (const call of [...(Node.isCallExpression(stmt) ? [stmt] : []), ...stmt.getDescendantsOfKind(SyntaxKind.CallExpression)]) {
    const resolved = resolve?.(call);
    if (resolved) {
      out.push(resolved);
      continue;
    }
    const callee = call.getExpression();
    const decl = Node.isIdentifier(callee) ? declarationOf(callee) : undefined;
    if (decl && Node.isFunctionDeclaration(decl)) out.push(decl);
    const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    if (init && (Node.isArrowFunction(init) || Node.isFunctionExpression(init))) out.push(init);
  }
  return out;
}

/** `!x.field`, `x.field == null`, `x.field === undefined`: the field's name. */
function unsetField(cond: Node): string | undefined {
  if (Node.isPrefixUnaryExpression(cond) && cond.getOperatorToken() === SyntaxKind.ExclamationToken) {
    const operand = cond.getOperand();
    return Node.isPropertyAccessExpression(operand) ? operand.getName() : undefined;
  }
  if (Node.isBinaryExpression(cond) && [SyntaxKind.EqualsEqualsToken, SyntaxKind.EqualsEqualsEqualsToken].includes(cond.getOperatorToken().getKind())) {
    const left = cond.getLeft();
    return Node.isPropertyAccessExpression(left) && /^(null|undefined)$/.test(cond.getRight().getText()) ? left.getName() : undefined;
  }
  return undefined;
}

/** `x.field`, `x.field != null`: the field's name. */
function setField(cond: Node): string | undefined {
  if (Node.isPropertyAccessExpression(cond)) return cond.getName();
  if (Node.isBinaryExpression(cond) && [SyntaxKind.ExclamationEqualsToken, SyntaxKind.ExclamationEqualsEqualsToken].includes(cond.getOperatorToken().getKind())) {
    const left = cond.getLeft();
    return Node.isPropertyAccessExpression(left) && /^(null|undefined)$/.test(cond.getRight().getText()) ? left.getName() : undefined;
  }
  return undefined;
}

/** A statement that writes the field: `{ field: ... }` / `{ field }` in a call's arguments, `x.field = ...`, `x.field.push(...)`, or SQL `SET field =`. */
function setsField(stmt: Node, field: string): boolean {
  const column = new RegExp(`\\bSET\\b[\\s\\S]*\\b(${field}|${field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)})\\s*=`, 'i');
  return stmt.getDescendants().some((n) => {
    if (Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n)) return column.test(n.getLiteralText());
    if ((Node.isPropertyAssignment(n) || Node.isShorthandPropertyAssignment(n)) && n.getName() === field) return !!n.getFirstAncestorByKind(SyntaxKind.CallExpression);
    if (Node.isCallExpression(n)) {
      const callee = n.getExpression();
      const target = Node.isPropertyAccessExpression(callee) && ADDS.has(callee.getName()) ? callee.getExpression() : undefined;
      return !!target && Node.isPropertyAccessExpression(target) && target.getName() === field;
    }
    if (!Node.isBinaryExpression(n) || n.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return false;
    const left = n.getLeft();
    return Node.isPropertyAccessExpression(left) && left.getName() === field;
  });
}

/** `prior !== STATE` (differs) or `prior === STATE` (equals), on a prior-state field. */
function priorComparison(cmp: Node): 'differs' | 'equals' | undefined {
  if (!Node.isBinaryExpression(cmp)) return undefined;
  const sides = [cmp.getLeft(), cmp.getRight()];
  const field = sides.find((s) => Node.isPropertyAccessExpression(s) && PRIOR_STATE_FIELD.test(s.getName()));
  if (!field || !sides.some((s) => s !== field && isStateValue(s))) return undefined;
  const op = cmp.getOperatorToken().getKind();
  if (op === SyntaxKind.ExclamationEqualsEqualsToken || op === SyntaxKind.ExclamationEqualsToken) return 'differs';
  if (op === SyntaxKind.EqualsEqualsEqualsToken || op === SyntaxKind.EqualsEqualsToken) return 'equals';
  return undefined;
}

/** The operands of a chain of `&&` (all must hold). */
function conjuncts(expr: Node): Node[] {
  if (Node.isParenthesizedExpression(expr)) return conjuncts(expr.getExpression());
  if (Node.isBinaryExpression(expr) && expr.getOperatorToken().getKind() === SyntaxKind.AmpersandAmpersandToken) return [...conjuncts(expr.getLeft()), ...conjuncts(expr.getRight())];
  return [expr];
}

/** The operands of a chain of `||` (any one suffices). */
function disjuncts(expr: Node): Node[] {
  if (Node.isParenthesizedExpression(expr)) return disjuncts(expr.getExpression());
  if (Node.isBinaryExpression(expr) && expr.getOperatorToken().getKind() === SyntaxKind.BarBarToken) return [...disjuncts(expr.getLeft()), ...disjuncts(expr.getRight())];
  return [expr];
}

const requiredCache = new WeakMap<Node, Set<string>>();

/** `if (x.status !== A) throw|return` (or `if (x.status === B) throw|return`): the state values the function requires, by text. */
function requiredStates(fn: Node): Set<string> {
  let out = requiredCache.get(fn);
  if (out) return out;
  out = new Set<string>();
  for (const stmt of fn.getDescendantsOfKind(SyntaxKind.IfStatement)) {
    if (!exits(stmt.getThenStatement())) continue;
    for (const cmp of comparisons(stmt.getExpression())) {
      const op = cmp.getOperatorToken().getKind();
      const [field, value] = stateOperands(cmp);
      if (!field || !value) continue;
      if (op === SyntaxKind.ExclamationEqualsEqualsToken || op === SyntaxKind.ExclamationEqualsToken) out.add(value);
      else if (op === SyntaxKind.EqualsEqualsEqualsToken || op === SyntaxKind.EqualsEqualsToken) out.add(`not:${value}`);
    }
  }
  requiredCache.set(fn, out);
  return out;
}

/** The comparisons of a condition joined by && and ||. */
function comparisons(expr: Node): BinaryExpression[] {
  if (Node.isParenthesizedExpression(expr)) return comparisons(expr.getExpression());
  if (!Node.isBinaryExpression(expr)) return [];
  const kind = expr.getOperatorToken().getKind();
  if (kind === SyntaxKind.AmpersandAmpersandToken || kind === SyntaxKind.BarBarToken) return [...comparisons(expr.getLeft()), ...comparisons(expr.getRight())];
  return [expr];
}

/** `x.status` against a constant (`OrderStatus.READY`, `'READY'`): the constant's text. */
function stateOperands(cmp: BinaryExpression): [boolean, string | undefined] {
  const sides = [cmp.getLeft(), cmp.getRight()];
  const field = sides.find((s) => Node.isPropertyAccessExpression(s) && isStateField(s.getName()));
  const value = sides.find((s) => s !== field && isStateValue(s));
  return [!!field, value ? constantText(value) : undefined];
}

export function isStateValue(n: Node): boolean {
  return Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) || Node.isNumericLiteral(n)
    || (Node.isPropertyAccessExpression(n) && /^[A-Z]/.test(n.getExpression().getText()));
}

/** A state constant as text: a literal's value, or an enum member's name (`OrderStatus.READY` is `READY`). */
export function constantText(n: Node): string {
  return Node.isStringLiteral(n) || Node.isNoSubstitutionTemplateLiteral(n) ? n.getLiteralText() : n.getText().split('.').pop() ?? n.getText();
}

/** A then-branch that leaves: `throw`, `return`, or a block ending in one. */
function exits(stmt: Node): boolean {
  if (Node.isThrowStatement(stmt) || Node.isReturnStatement(stmt)) return true;
  if (Node.isBlock(stmt)) {
    const last = stmt.getStatements().at(-1);
    return !!last && (Node.isThrowStatement(last) || Node.isReturnStatement(last));
  }
  return false;
}

/** State values a function sets: `x.status = A`, `{ status: A }` (an update's data). */
function setStates(fn: Node): string[] {
  const out: string[] = [];
  for (const bin of fn.getDescendantsOfKind(SyntaxKind.BinaryExpression)) {
    const left = bin.getLeft();
    if (bin.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isPropertyAccessExpression(left) && isStateField(left.getName()) && isStateValue(bin.getRight())) out.push(constantText(bin.getRight()));
  }
  for (const p of fn.getDescendantsOfKind(SyntaxKind.PropertyAssignment)) {
    const init = p.getInitializer();
    if (isStateField(p.getName()) && init && isStateValue(init)) out.push(constantText(init));
  }
  return out;
}
