/**
 * A scheduled relay: a job that runs on a timer (facts/libraries/schedulers.ts) selects rows from its
 * datastore and publishes each (`for (const n of await model.find({ deliveredAt: null })) queue.add(...)`).
 * The store stays the source of truth: a publish lost after an earlier write of the run is derived again
 * from the same rows on the next run. That is the polling publisher an outbox relay is, and dual-write
 * does not pair its publish with the run's writes. It still does when a write after the query changes
 * the selected rows before they are published (marking them queued), which could keep the next run
 * from finding them again.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Reached } from '../facts/effects';
import type { SystemModel } from '../model';
import { isScheduled } from '../facts/libraries/schedulers';
import { declarationOf } from '../facts/syntax';

/** Read verbs of query builders, ORMs and drivers whose result is a list of rows. */
const ROW_QUERY = /^(find|findMany|findAll|findBy|select|selectFrom|query|where|scan|aggregate|getMany|execute|all)$/;
const ITERATORS = new Set(['map', 'forEach', 'flatMap', 'filter']);

export function relaysStoredRows(model: SystemModel, fn: Node, at: Reached, writes: Reached[], entries: Node[]): boolean {
  if (![fn, ...entries].some((f) => isScheduled(f, model.analysis))) return false;
  const call = Node.isCallExpression(at.via) ? at.via : at.via.getFirstAncestorByKind(SyntaxKind.CallExpression);
  if (!call || !Node.isCallExpression(call)) return false;
  const rows = new Set<Node>();
  for (const id of call.getArguments().flatMap((a) => [a, ...a.getDescendants()]).filter(Node.isIdentifier)) {
    const source = rowSource(id, model);
    if (source) rows.add(source);
  }
  if (!rows.size) return false;
  // A write between the query and the publish that names the selected rows may move them out of the next run's query.
  const loops = loopNames(call);
  for (const w of writes) {
    const pos = w.via.getStart();
    const wcall = Node.isCallExpression(w.via) ? w.via : w.via.getFirstAncestorByKind(SyntaxKind.CallExpression);
    if (!wcall || pos >= call.getStart()) continue;
    for (const r of rows) {
      if (pos <= r.getStart()) continue;
      const names = new Set([rowName(r), ...loops].filter((n): n is string => !!n));
      if (wcall.getDescendantsOfKind(SyntaxKind.Identifier).some((i) => names.has(i.getText()))) return false;
    }
  }
  return true;
}

/** The variable declaration holding rows a datastore query returned, that `id` iterates (a for-of variable or an iterator callback's parameter). */
function rowSource(id: Node, model: SystemModel): Node | undefined {
  const decl = declarationOf(id);
  if (!decl) return undefined;
  let iterable: Node | undefined;
  const list = decl.getParent()?.getParent();
  if (Node.isVariableDeclaration(decl) && list && Node.isForOfStatement(list)) iterable = list.getExpression();
  else if (Node.isParameterDeclaration(decl)) {
    const cb = decl.getParent();
    const iterate = cb?.getParent();
    const callee = iterate && Node.isCallExpression(iterate) ? iterate.getExpression() : undefined;
    if (callee && Node.isPropertyAccessExpression(callee) && ITERATORS.has(callee.getName())) iterable = callee.getExpression();
  }
  if (!iterable || !Node.isIdentifier(iterable)) return undefined;
  const holder = declarationOf(iterable);
  const init = holder && Node.isVariableDeclaration(holder) ? holder.getInitializer() : undefined;
  return init && readsRows(init, model) ? holder : undefined;
}

/** `await model.find({...}).sort(...).limit(200)`: a call chain with a row query on a datastore client the analysis types. */
function readsRows(init: Node, model: SystemModel): boolean {
  for (const c of [init, ...init.getDescendantsOfKind(SyntaxKind.CallExpression)]) {
    if (!Node.isCallExpression(c)) continue;
    const callee = c.getExpression();
    if (Node.isPropertyAccessExpression(callee) && ROW_QUERY.test(callee.getName()) && model.analysis.typeOf(callee.getExpression())) return true;
  }
  return false;
}

function rowName(holder: Node): string | undefined {
  return Node.isVariableDeclaration(holder) ? holder.getName() : undefined;
}

/** The loop variables around the publish's call (`notification` of `for (const notification of notifications)`). */
function loopNames(call: Node): string[] {
  const out: string[] = [];
  for (const loop of call.getAncestors().filter(Node.isForOfStatement)) {
    const init = loop.getInitializer();
    if (Node.isVariableDeclarationList(init)) out.push(...init.getDeclarations().map((d) => d.getName()));
  }
  return out;
}
