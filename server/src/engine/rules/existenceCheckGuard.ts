/**
 * An existence check before a write: the flow looks the row up in the store it writes
 * (`const found = await this.customers.findOne({ externalId })`) and writes only when nothing was
 * found (`if (found) return;`, `if (!found) await this.customers.create(...)`, or the create in the
 * `else` of `if (found) { update } else { create }`). A redelivered message finds the row the first
 * delivery wrote and does not write it again: an application-level upsert. It is not atomic (two
 * concurrent deliveries can both miss), which the rule's docs say; a reviewer still reads it as the
 * handler's deduplication.
 *
 * Which calls are lookups is a name table (LOOKUP); the lookup and the write must name the same store
 * (the same receiver, `this.customers`, or the write's model/table).
 */
import { Node, SyntaxKind, type Block, type CallExpression } from 'ts-morph';
import { isFunctionBoundary, pointsOnTheWay, type Reached } from '../facts/effects';
import { exitJumps } from '../facts/jumps';

/** Calls that read a row or tell whether one exists. */
export const LOOKUP = /^(find\w*|get\w*|exists?\w*|count\w*|fetch\w*|load\w*|lookup\w*|search\w*|has\w*)$/i;
/** Chained calls that only run or shape a query (`findOne(...).exec()`, `.lean()`). */
const QUERY_TAIL = /^(exec|lean|select|session|populate|sort|limit|getOne|getRawOne|first|one|maybeOne)$/;

/**
 * True when an effect runs only when a lookup found nothing in a store the flow writes: the
 * effect's own store, or another the flow writes after the check (`if (await shares.findOne(...))
 * return; await shares.create(...); await feed.insertMany(...)`: a repeat stops at the check).
 * The check may sit in the effect's function, in the handler, or in a function on the way.
 */
export function guardedByExistenceCheck(handler: Node, effect: Reached, written: Set<string>, resolve?: Resolve): boolean {
  if (effect.fact.kind === 'guard' || effect.fact.kind === 'read') return false;
  // The effect, and the call in the handler and in each function on the way that leads to it.
  return pointsOnTheWay(effect).some((point) => {
    const fn = flowFunctionOf(point) ?? handler;
    const stores = new Set([...written, ...(effect.fact.kind === 'write' ? storeNames(point, effect) : [])]);
    return stores.size > 0 && checkedBefore(point, fn, stores, resolve);
  });
}

/**
 * The function whose statements run before the point: its nearest function, past callbacks written inline as a
 * call's argument (`await retryOnFkError(async () => { await saveD365(d) })` after `if (existing) return`).
 */
function flowFunctionOf(point: Node): Node | undefined {
  let fn = point.getFirstAncestor(isFunctionBoundary);
  while (fn && (Node.isArrowFunction(fn) || Node.isFunctionExpression(fn)) && Node.isCallExpression(fn.getParent())) {
    const outer = fn.getParent()!.getFirstAncestor(isFunctionBoundary);
    if (!outer) break;
    fn = outer;
  }
  return fn;
}

/** The stores the writes of a flow name (receivers' last names and tables). */
export function writtenStores(reached: Reached[]): Set<string> {
  const out = new Set<string>();
  for (const r of reached) if (r.fact.kind === 'write') for (const name of storeNames(r.fact.node, r)) out.add(name);
  return out;
}

/** The store a point writes to: the last name of its call's receiver, and the fact's table. */
function storeNames(point: Node, effect: Reached): Set<string> {
  const out = new Set<string>();
  const call = Node.isCallExpression(point) ? point : point.getFirstAncestorByKind(SyntaxKind.CallExpression);
  const callee = call?.getExpression();
  if (callee && Node.isPropertyAccessExpression(callee)) {
    const name = lastName(callee.getExpression());
    if (name) out.add(name);
  }
  if (effect.fact.table) out.add(normal(effect.fact.table));
  return out;
}

function lastName(node: Node): string | undefined {
  if (Node.isPropertyAccessExpression(node)) return normal(node.getName());
  if (Node.isIdentifier(node)) return normal(node.getText());
  // `this.findOne(...)` / `this.persistAndFlush(...)` in a repository class: the class is the store (`UserRepository`).
  if (Node.isThisExpression(node)) {
    const cls = node.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a)) as { getName?(): string | undefined } | undefined;
    const name = cls?.getName?.();
    return name ? normal(name) : undefined;
  }
  return undefined;
}

/** A table as a store name: `"public"."templates"`, `Template` and `templates` are the store `template`. */
export function storeName(table: string): string {
  return normal(table.replace(/"/g, '').split('.').pop()!);
}

/** `customerModel`, `CustomerModel`, `customersRepository`, `customer`: one store name. */
function normal(name: string): string {
  return name.toLowerCase().replace(/(model|repository|repo|collection|table|service|dao|store)$/, '').replace(/s$/, '');
}

/** The workspace function a call runs, when known. */
export type Resolve = (call: Node) => Node | undefined;

function checkedBefore(point: Node, fn: Node, stores: Set<string>, resolve?: Resolve): boolean {
  for (let child: Node = point, n = point.getParent(); n && n !== fn; child = n, n = n.getParent()) {
    // The write in the branch of an `if` taken when nothing was found.
    if (Node.isIfStatement(n) && child !== n.getExpression()) {
      const found = lookupPolarity(n.getExpression(), fn, stores, resolve);
      if (found !== undefined && (child === n.getThenStatement()) !== found) return true;
    }
    // An earlier `if (found) return|throw|continue;` in a statement list holding the write.
    if (Node.isBlock(n) || Node.isCaseClause(n) || Node.isDefaultClause(n)) {
      for (const stmt of n.getStatements()) {
        if (stmt === child) break;
        if (resolve && validatorCalled(stmt, stores, resolve)) return true;
        if (!Node.isIfStatement(stmt) || stmt.getElseStatement() || !exitJumps(stmt.getThenStatement().compilerNode)) continue;
        if (lookupPolarity(stmt.getExpression(), fn, stores, resolve) === true) return true;
      }
    }
  }
  return false;
}

/**
 * The workspace function a statement only calls (`validate(x);`, `await this.assertNew(order);`) and
 * its block body: where a validator's checks are read.
 */
export function calledBody(stmt: Node, resolve: Resolve): { callee: Node; body: Block } | undefined {
  let e: Node | undefined = Node.isExpressionStatement(stmt) ? stmt.getExpression() : undefined;
  while (e && (Node.isAwaitExpression(e) || Node.isParenthesizedExpression(e))) e = e.getExpression();
  if (!e || !Node.isCallExpression(e)) return undefined;
  const callee = resolve(e);
  const body = callee && (callee as { getBody?(): Node | undefined }).getBody?.();
  return callee && body && Node.isBlock(body) ? { callee, body } : undefined;
}

/**
 * A statement that calls a validator which throws when the row exists (`await
 * this.validatePhone(body.phone)` whose body is `if (await this.customers.findByPhone(p)) throw
 * new ConflictException()`): the write after it runs only when nothing was found.
 */
function validatorCalled(stmt: Node, stores: Set<string>, resolve: Resolve): boolean {
  const called = calledBody(stmt, resolve);
  if (!called) return false;
  const { callee, body } = called;
  return body.getStatements().some((st) => {
    if (!Node.isIfStatement(st) || st.getElseStatement()) return false;
    const jumps = exitJumps(st.getThenStatement().compilerNode);
    return !!jumps && jumps.every((j) => j.kind === SyntaxKind.ThrowStatement) && lookupPolarity(st.getExpression(), callee, stores) === true;
  });
}

/**
 * For a condition on a lookup of one of the stores: true when the condition holds if a row was
 * found (`found`, `found != null`, `count > 0`, `rows && rows[0]`, `rows.length > 0`,
 * `isDefined(found)`), false when it holds if none was (`!found`, `found === null`, `isNil(found)`),
 * undefined when it is not such a condition.
 */
function lookupPolarity(cond: Node, fn: Node, stores: Set<string>, resolve?: Resolve): boolean | undefined {
  if (Node.isParenthesizedExpression(cond) || Node.isAwaitExpression(cond)) return lookupPolarity(cond.getExpression(), fn, stores, resolve);
  if (Node.isPrefixUnaryExpression(cond) && cond.getOperatorToken() === SyntaxKind.ExclamationToken) {
    const inner = lookupPolarity(cond.getOperand(), fn, stores, resolve);
    return inner === undefined ? undefined : !inner;
  }
  // `rows && rows[0]`: every part asks the same (whether the lookup found a row).
  if (Node.isBinaryExpression(cond) && cond.getOperatorToken().getKind() === SyntaxKind.AmpersandAmpersandToken) {
    const left = lookupPolarity(cond.getLeft(), fn, stores, resolve);
    return left !== undefined && lookupPolarity(cond.getRight(), fn, stores, resolve) === left ? left : undefined;
  }
  // `rows[0]`, `rows.length`: the first row of a lookup of many, or how many it found.
  if ((Node.isElementAccessExpression(cond) && cond.getArgumentExpression()?.getText() === '0')
    || (Node.isPropertyAccessExpression(cond) && cond.getName() === 'length')) {
    return lookupPolarity(cond.getExpression(), fn, stores, resolve);
  }
  if (Node.isBinaryExpression(cond)) {
    const op = cond.getOperatorToken().getKind();
    const right = cond.getRight().getText();
    const nothing = /^(null|undefined|0)$/.test(right);
    if (!nothing) return undefined;
    const inner = lookupPolarity(cond.getLeft(), fn, stores, resolve);
    if (inner === undefined) return undefined;
    if (op === SyntaxKind.EqualsEqualsToken || op === SyntaxKind.EqualsEqualsEqualsToken) return !inner;
    if (op === SyntaxKind.ExclamationEqualsToken || op === SyntaxKind.ExclamationEqualsEqualsToken || op === SyntaxKind.GreaterThanToken) return inner;
    return undefined;
  }
  if (Node.isCallExpression(cond)) {
    // `isNil(found)` (lodash, @nestjs/common's shared utils), `isDefined(found)`: a nullish test of the lookup's result.
    const test = nullishTest(cond);
    if (test) {
      const inner = lookupPolarity(cond.getArguments()[0], fn, stores, resolve);
      return inner === undefined ? undefined : test === 'nothing' ? !inner : inner;
    }
    return isLookupOf(cond, stores, resolve) ? true : undefined;
  }
  if (!Node.isIdentifier(cond)) return undefined;
  const decl = cond.getSymbol()?.getDeclarations()[0];
  if (!decl || !Node.isVariableDeclaration(decl) || !fn.containsRange(decl.getPos(), decl.getEnd())) return undefined;
  let init = decl.getInitializer();
  while (init && (Node.isAwaitExpression(init) || Node.isParenthesizedExpression(init) || Node.isAsExpression(init) || Node.isNonNullExpression(init))) init = init.getExpression();
  return init && Node.isCallExpression(init) && isLookupOf(init, stores, resolve) ? true : undefined;
}

/** A lookup helper's body calls a lookup of one of the stores (directly, not through further helpers). */
function helperLooksUp(call: CallExpression, stores: Set<string>, resolve: Resolve): boolean {
  const fn = resolve(call);
  const body = fn && (fn as { getBody?(): Node | undefined }).getBody?.();
  return !!body && body.getDescendantsOfKind(SyntaxKind.CallExpression).some((inner) => Node.isPropertyAccessExpression(inner.getExpression()) && isLookupOf(inner, stores));
}

/** Helpers that test one value for null or undefined (`isNil(x)`, `_.isNil(x)`) or for being there (`isDefined(x)`). */
const NOTHING_TEST = /^(isNil|isNull|isUndefined|isNullOrUndefined|isNullish)$/;
const SOMETHING_TEST = /^(isDefined|isPresent|isNotNil|notNil|isNotNullish)$/;

function nullishTest(call: CallExpression): 'nothing' | 'something' | undefined {
  if (call.getArguments().length !== 1) return undefined;
  const callee = call.getExpression();
  const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : Node.isIdentifier(callee) ? callee.getText() : '';
  return NOTHING_TEST.test(name) ? 'nothing' : SOMETHING_TEST.test(name) ? 'something' : undefined;
}

/**
 * `this.customers.findOne({...})`, `prisma.customer.findUnique({...})`, `Model.findOne({...}).exec()`, or a workspace
 * helper named as a lookup whose body looks one of the stores up (`getDelinkedByCalculationId(id)` returning what
 * `db.delinkedCalculation.count({ where: { calculationId } })` found).
 */
function isLookupOf(call: CallExpression, stores: Set<string>, resolve?: Resolve): boolean {
  let c: Node = call;
  while (Node.isCallExpression(c)) {
    const callee = c.getExpression();
    if (Node.isIdentifier(callee)) return !!resolve && LOOKUP.test(callee.getText()) && c.getArguments().length > 0 && helperLooksUp(c, stores, resolve);
    if (!Node.isPropertyAccessExpression(callee)) return false;
    if (QUERY_TAIL.test(callee.getName()) && Node.isCallExpression(callee.getExpression())) {
      c = callee.getExpression();
      continue;
    }
    if (!LOOKUP.test(callee.getName()) || !c.getArguments().length) return false;
    const store = lastName(callee.getExpression());
    return !!store && stores.has(store);
  }
  return false;
}
