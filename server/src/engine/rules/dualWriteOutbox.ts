/**
 * dual-write's view of transactions and outboxes: whether a write and a publish share one
 * transaction (the publish then runs before the commit), whether an outbox row shares the business
 * write's transaction, and whether a function is an outbox relay.
 */
import { Node } from 'ts-morph';
import type { Reached } from '../facts/effects';
import { givesCallersTransaction, txScopeOf, writeClientOf } from '../facts/transactions';
import type { SystemModel } from '../model';

/** The transaction that holds both the write and the publish, by how it is opened, when one visibly does. */
export function sharedTx(model: SystemModel, fn: Node, all: Reached[], publish: Reached, write: Reached): string | undefined {
  if (write.via === publish.via) return undefined;
  // The flow is itself the callback of a transaction call (`prisma.$transaction(async (tx) => { ... })`).
  const parent = fn.getParent();
  const around = parent && Node.isCallExpression(parent) && parent.getArguments().includes(fn) ? model.analysis.factsAt(parent).find((f) => f.kind === 'tx') : undefined;
  if (around) return joinsHandle(parent!, write) ? `${around.library} ${around.detail}` : undefined;
  const sw = txScopeOf(model.analysis, fn, write.via, all);
  const sp = sw && txScopeOf(model.analysis, fn, publish.via, all);
  if (!sw || !sp || !sw.known || sp.node !== sw.node) return undefined;
  return joinsHandle(sw.node, write) ? sw.detail : undefined;
}

/**
 * A write made in a callee inside a transaction callback that takes a handle (`$transaction(async (tx) => {
 * await this.repo.deleteAgent(id) })`) joins that transaction only when the call passes the handle on: the
 * callee's own client (`this.prisma`) runs outside it. A callback without a handle (an ambient transaction) holds it.
 */
function joinsHandle(txCall: Node, write: Reached): boolean {
  if (!write.path.length || !Node.isCallExpression(txCall)) return true;
  const callback = txCall.getArguments().find((a) => Node.isArrowFunction(a) || Node.isFunctionExpression(a));
  const handle = callback && (Node.isArrowFunction(callback) || Node.isFunctionExpression(callback)) ? callback.getParameters()[0]?.getName() : undefined;
  if (!handle) return true;
  const call = Node.isCallExpression(write.via) ? write.via : write.via.getFirstAncestor((a) => Node.isCallExpression(a));
  if (!call || !Node.isCallExpression(call)) return true;
  const mentions = (n: Node) => n.getText() === handle || n.getDescendants().some((d) => Node.isIdentifier(d) && d.getText() === handle);
  return [call.getExpression(), ...call.getArguments()].some(mentions);
}

/** An outbox write that does not share the business write's transaction, with how it is known. */
export function brokenOutbox(model: SystemModel, fn: Node, all: Reached[], outbox: Reached, write: Reached): { how: string; inferred: string[]; sameTx: string } | undefined {
  const so = txScopeOf(model.analysis, fn, outbox.via, all);
  const sw = txScopeOf(model.analysis, fn, write.via, all);
  if (so && sw) {
    if (so.node === sw.node || !so.known || !sw.known) return undefined;
    return { how: 'in a different transaction from', inferred: [], sameTx: `one ${so.detail}` };
  }
  if (so || sw) {
    const inside = (so ?? sw)!;
    const outside = so ? write : outbox;
    if (!inside.known) return undefined; // an ambient transaction helper may cover both
    return {
      how: so ? 'inside a transaction that does not hold' : 'outside the transaction that holds',
      inferred: outside.path.length ? ['the write outside the transaction is made in a called function, which is taken not to join it'] : [],
      sameTx: inside.detail,
    };
  }
  // No transaction in sight: both must be made here, on clients that are not a handle the caller passes in, and
  // not given the caller's transaction as an option (`update(values, { where, transaction })`: the caller commits).
  if (givesCallersTransaction(outbox, fn) || givesCallersTransaction(write, fn)) return undefined;
  const co = writeClientOf(outbox, fn);
  const cw = writeClientOf(write, fn);
  if (!co || !cw || co.parameter || cw.parameter) return undefined;
  return {
    how: 'with no transaction joining it to',
    inferred: co.root.startsWith('this.') || cw.root.startsWith('this.') ? ['no caller runs this function inside an ambient transaction (a transaction context the injected repositories join)'] : [],
    sameTx: 'open one transaction and make both writes on its handle',
  };
}

/** A function in an outbox class, function or module: the relay that publishes stored events and marks them sent. */
export function isOutboxCode(fn: Node): boolean {
  const names: string[] = [fn.getSourceFile().getBaseName()];
  const named = (n: Node) => (Node.isFunctionDeclaration(n) || Node.isMethodDeclaration(n) || Node.isClassDeclaration(n)) ? n.getName() ?? '' : '';
  names.push(named(fn));
  const parent = fn.getParent();
  if (parent && Node.isVariableDeclaration(parent)) names.push(parent.getName());
  const cls = fn.getFirstAncestor((a) => Node.isClassDeclaration(a));
  if (cls) names.push(named(cls));
  return names.some((n) => /outbox/i.test(n));
}

