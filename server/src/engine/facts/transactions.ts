/**
 * Which local transaction a point of a function runs in, as far as that
 * function's own code shows: inside the callback or batch of a transaction
 * call the library tables recognize (`prisma.$transaction`,
 * `dataSource.transaction`, `knex.transaction`, `session.withTransaction`...),
 * between a SQL `BEGIN` and `COMMIT` on one client, or, by name only, inside
 * a `runInTransaction(...)`-style helper or a `@Transactional()` method.
 */
import { Node } from 'ts-morph';
import type { Analysis } from './analysis';
import type { Reached } from './effects';

export interface TxScope {
  /** The transaction call, the `BEGIN`, or the decorated function. */
  node: Node;
  /** True when a library table recognized the transaction; false when only a name suggests one. */
  known: boolean;
  /** How the transaction is opened, for messages. */
  detail: string;
}

/** Helpers and decorators whose name says they run their callback or body in one transaction. */
const TX_NAME = /^(run|with|in|start|begin|execute|exec)?_?(in)?_?(db)?transaction(al)?$|^transactional|^unitOfWork$|^\$transaction$|^withSession$/i;

const BEGINS = new Set(['BEGIN', 'startTransaction']);
const ENDS = new Set(['COMMIT', 'commitTransaction', 'commit']);

/** The innermost transaction around `at` (a node of `fn`), or undefined when none is visible. */
export function txScopeOf(analysis: Analysis, fn: Node, at: Node, reached: Reached[]): TxScope | undefined {
  for (let child: Node = at, n = at.getParent(); n && n !== fn; child = n, n = n.getParent()) {
    if (!Node.isCallExpression(n) || child === n.getExpression()) continue;
    const tx = analysis.factsAt(n).find((f) => f.kind === 'tx');
    if (tx) return { node: n, known: true, detail: `${tx.library} ${tx.detail}` };
    const callee = n.getExpression();
    const name = Node.isPropertyAccessExpression(callee) ? callee.getName() : Node.isIdentifier(callee) ? callee.getText() : '';
    const owner = Node.isPropertyAccessExpression(callee) ? callee.getExpression().getText() : '';
    if (TX_NAME.test(name) || /transaction|unitOfWork/i.test(owner)) return { node: n, known: false, detail: `${owner ? `${owner}.` : ''}${name}(...)` };
  }
  const sql = sqlRegion(fn, at, reached);
  if (sql) return sql;
  const decorated = Node.isMethodDeclaration(fn) ? fn.getDecorators().find((d) => TX_NAME.test(d.getName())) : undefined;
  if (decorated) return { node: fn, known: false, detail: `@${decorated.getName()}()` };
  return undefined;
}

/** A `BEGIN` (or `startTransaction`) before `at` in fn with no `COMMIT` between them. */
function sqlRegion(fn: Node, at: Node, reached: Reached[]): TxScope | undefined {
  const pos = at.getStart();
  let open: Reached | undefined;
  const marks = reached.filter((r) => r.fact.kind === 'tx' && !r.path.length).sort((a, b) => a.via.getStart() - b.via.getStart());
  for (const r of marks) {
    if (r.via.getStart() > pos) break;
    if (BEGINS.has(r.fact.detail)) open = r;
    else if (ENDS.has(r.fact.detail)) open = undefined;
  }
  return open && fn.containsRange(open.via.getPos(), open.via.getEnd()) ? { node: open.via, known: true, detail: `${open.fact.library} ${open.fact.detail}` } : undefined;
}

/**
 * The client a write goes through when it is made in `fn` itself: the root
 * name of its receiver (`tx` in `tx.order.create`, `this.orders` in
 * `this.orders.save`), and whether that name is a parameter of `fn` (a
 * transaction handle its caller passes in).
 */
export function writeClientOf(write: Reached, fn: Node): { root: string; parameter: boolean } | undefined {
  if (write.path.length) return undefined;
  const call = write.fact.node.getFirstAncestor((a) => Node.isCallExpression(a));
  if (!call || !Node.isCallExpression(call)) return undefined;
  let e: Node = call.getExpression();
  while (Node.isPropertyAccessExpression(e) || Node.isCallExpression(e) || Node.isNonNullExpression(e) || Node.isParenthesizedExpression(e)) {
    const inner: Node = Node.isCallExpression(e) ? e.getExpression() : e.getExpression();
    if (Node.isThisExpression(inner) && Node.isPropertyAccessExpression(e)) return { root: e.getText(), parameter: false };
    e = inner;
  }
  if (!Node.isIdentifier(e)) return undefined;
  const name = e.getText();
  const params = (fn as unknown as { getParameters?(): Node[] }).getParameters?.() ?? [];
  return { root: name, parameter: params.some((p) => p.getText().split(/[:=]/)[0].trim() === name) };
}

/** Option names that hand a write a transaction or session (Sequelize, TypeORM, Knex, Mongoose, MikroORM). */
const TX_OPTION = /^(transaction|session|trx|tx|transactionalEntityManager)$/;

/** The write's call in `fn` passes one of fn's parameters as its transaction option (`{ transaction }`, `{ session: s }`). */
export function givesCallersTransaction(r: Reached, fn: Node): boolean {
  const call = r.via.getFirstAncestor((a) => Node.isCallExpression(a)) ?? r.via;
  if (!Node.isCallExpression(call)) return false;
  const params = new Set((fn as unknown as { getParameters?(): Node[] }).getParameters?.() ?? []);
  return call.getArguments().some((arg) => Node.isObjectLiteralExpression(arg) && arg.getProperties().some((p) => {
    if (!(Node.isShorthandPropertyAssignment(p) || Node.isPropertyAssignment(p)) || !TX_OPTION.test(p.getName())) return false;
    const value = Node.isPropertyAssignment(p) ? p.getInitializer() : undefined;
    const symbol = Node.isShorthandPropertyAssignment(p) ? p.getValueSymbol() : value && Node.isIdentifier(value) ? value.getSymbol() : undefined;
    const decl = symbol?.getDeclarations()[0];
    return !!decl && params.has(decl);
  }));
}
