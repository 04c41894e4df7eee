/**
 * A reconciler: a function the process runs by itself (on a timer, at start, or as a repeatable job:
 * facts/runners.ts, scheduledJobHandler.ts) that reads the rows a flow wrote and derives the flow's
 * send from them again. The store is the source of truth, and a send lost after the write is made
 * again: the polling publisher an outbox relay is, over the business table. Two shapes count:
 * - A sweep of the rows the flow left in an in-progress state (`find({ state: 'sending', updated:
 *   { $lt } })` after the flow's `update({ state: 'sending' })`): rows stuck in the state the send was
 *   to move on are found and driven again, however it does so.
 * - Recurring work re-created from the rows: the runner queries the table the flow wrote (itself, or
 *   in a function it calls directly) and then registers a job scheduler or repeatable job where the
 *   flow sends (the same named channel, the same send, or an unnamed queue of the same wrapper
 *   file): sourcebot's `reconcileJobSchedulers` at start, which re-creates the sync schedule of every
 *   stored connection.
 * - An insert that gives no state (the row starts in the column's default) and a runner that selects rows
 *   in an initial state (`status: PENDING`) and sends where the flow sends: a webhook ledger
 *   row, re-queued by an hourly sweep of orphaned PENDING messages.
 * A query of many rows counts, not the lookup of one (a start-up seed that finds its default account
 * by e-mail). A read or send reached only through the flow itself (or the entry points that reach it)
 * is the flow's own. A one-off send of the runner (a reminder e-mail from a nightly query) is other
 * work, not the flow's send again. dual-write does not report a write and send a reconciler covers.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Reached } from '../facts/effects';
import type { SystemModel } from '../model';
import { runnersOf } from '../facts/runners';
import { channelNamedAt } from '../facts/hops';
import { calleeName, propName } from '../facts/syntax';
import { functionsOf } from './rootCause';
import { scheduledJobHandler } from './scheduledJobHandler';
import { constantText, isStateField, isStateValue } from './stateTransitionGuard';
import { PENDING_VALUE } from './ownFollowUpJob';

/** The functions the process runs by itself, found once per check. */
export function reconcilers(model: SystemModel): Node[] {
  const out = new Set<Node>();
  for (const { sourceFile } of model.files) for (const fn of runnersOf(sourceFile, functionsOf(sourceFile), model.analysis)) out.add(fn);
  for (const f of model.facts) if (f.kind === 'consumer' && f.handler && scheduledJobHandler(model, f)) out.add(f.handler);
  return [...out];
}

/** True when a reconciler re-derives the send `at` that the flow `fn` makes after `write` (see above). */
export function reconciledFromStore(model: SystemModel, fn: Node, at: Reached, write: Reached, entries: Node[], runners: Node[]): boolean {
  const table = tableKey(write.fact.table);
  if (!table) return false;
  const flow = new Set([fn, ...entries]);
  const written = stateValues(write);
  const flowChannel = channelOf(model, at);
  for (const runner of runners) {
    if (runner === fn) continue;
    // A runner that is itself an entry of the flow counts only for what it reaches another way.
    const own = model.effects.of(runner).filter((r) => !r.path.some((p) => flow.has(p)) && !(flow.has(runner) && !r.path.length));
    // A query of the table's rows, not the lookup of one (a start-up seed that finds its default account by e-mail).
    const reads = own.filter((r) => r.fact.kind === 'read' && !r.fact.oneRow && tableKey(r.fact.table) === table);
    if (!reads.length) continue;
    if (reads.some((r) => sweeps(stateValues(r), written))) return true;
    // A row inserted with no state given takes the column's default; a sweep of rows in an initial state
    // (`status: PENDING`) that sends where the flow sends finds the ones whose send was lost.
    if (!written.size && insertsRow(write) && reads.some((r) => sweepsInitial(stateValues(r))) && own.some((r) => r.fact.kind === 'publish' && sameDestination(model, r, at, flowChannel))) return true;
    // Recurring work re-created from the rows: the query in the runner or one call down, then a schedule registered.
    const queried = reads.filter((r) => r.path.length <= 1);
    const schedules = own.filter((r) => r.fact.kind === 'publish' && r.fact.scheduled && sameDestination(model, r, at, flowChannel));
    if (schedules.some((p) => queried.some((r) => r.via !== p.via && r.via.getStart() < p.via.getStart()))) return true;
  }
  return false;
}

/** `connection`, `Connection`, `connections`, `repo_index` and `RepoIndex` name one table. */
function tableKey(table: string | undefined): string | undefined {
  if (!table || table === '?') return undefined;
  return table.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/s$/, '');
}

/** The name the send's channel has where the flow (or the runner) makes it, if any. */
function channelOf(model: SystemModel, r: Reached): string | undefined {
  const name = r.fact.channel ?? channelNamedAt(r.fact, r.path.length ? calleeName(r.via) : r.fact.node, model.analysis);
  return name && !name.includes('?') ? name : undefined;
}

/** The runner's send goes where the flow's does: the same code (with no other channel named), the same channel, or an unnamed queue of the same wrapper file. */
function sameDestination(model: SystemModel, r: Reached, at: Reached, flowChannel: string | undefined): boolean {
  if (r.fact.library !== at.fact.library) return false;
  const channel = channelOf(model, r);
  if (channel && flowChannel) return channel === flowChannel;
  return r.fact === at.fact || (!channel && !flowChannel && r.fact.node.getSourceFile() === at.fact.node.getSourceFile());
}

/** The rows a runner selects include the in-progress state the flow wrote (`state: 'sending'` both times). */
function sweeps(selected: Map<string, string>, written: Map<string, string>): boolean {
  for (const [field, value] of selected) if (written.get(field) === value && PENDING_VALUE.test(value)) return true;
  return false;
}

/** A state value a new row starts in: `PENDING`, `queued`, `new`. */
const INITIAL_VALUE = /^(pending|queued|waiting|new|created|init|initial|scheduled|requested|submitted|to_?do|unsent|not_?sent)$/i;

function sweepsInitial(selected: Map<string, string>): boolean {
  return [...selected.values()].some((v) => INITIAL_VALUE.test(v));
}

/** Datastore calls that add rows: an ORM's `create`/`insert` family or SQL `INSERT`. */
const INSERT_CALL = /^(create|createMany|insert|insertMany|insertOne|bulkCreate|bulkInsert)$/;

function insertsRow(write: Reached): boolean {
  if (/^INSERT\b/i.test(write.fact.detail)) return true;
  const call = Node.isCallExpression(write.fact.node) ? write.fact.node : write.fact.node.getFirstAncestorByKind(SyntaxKind.CallExpression);
  return !!call && Node.isCallExpression(call) && INSERT_CALL.test(calleeName(call).getText());
}

/** The state fields a datastore call (or the flow's call into its wrapper) names with a constant value: `{ where: { state: 'sending' } }`. */
function stateValues(r: Reached): Map<string, string> {
  const out = new Map<string, string>();
  const calls = [r.fact.node.getFirstAncestorByKind(SyntaxKind.CallExpression), r.path.length ? r.via : undefined];
  for (const call of calls) {
    if (!call || !Node.isCallExpression(call)) continue;
    for (const a of call.getArguments()) {
      for (const p of [a, ...a.getDescendantsOfKind(SyntaxKind.PropertyAssignment)]) {
        if (!Node.isPropertyAssignment(p)) continue;
        const value = p.getInitializer();
        const name = propName(p.getNameNode());
        if (value && isStateField(name) && isStateValue(value)) out.set(name, constantText(value));
      }
    }
  }
  return out;
}
