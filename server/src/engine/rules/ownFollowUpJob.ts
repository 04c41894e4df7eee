/**
 * Follow-up work a service gives itself: a message sent after a write to a channel or job queue
 * whose every consumer is in the same service (found in code), where
 * - the flow's writes record no state for that work to complete: no state field set to a value
 *   that waits for work (`status: 'PENDING'`, `run.status = RunStatus.QUEUED`, a value not written
 *   here, `UPDATE ... SET status = ...`; a final `status: 'finish'` records nothing left to do) and
 *   no soft-delete marker (`deletedAt: new Date()`, `is_deleted = true`) whose clean-up the work
 *   does, and no record that tracks work (`DelayedJob`, `export_tasks`, `workflowExecution`)
 *   written for the job to complete, and
 * - every consumer (its code seen, with no callbacks it cannot see) derives data: it writes, and
 *   only writes a repeat does not add to (set-to-value updates, upserts, inserts behind an existence
 *   check or keyed on a given key); no publish (but replies and realtime pushes), no HTTP call that
 *   changes something, no e-mail, payment or other side effect.
 * Losing such a message leaves derived data stale (a usage meter not recomputed, a thumbnail not
 * made) until the next trigger: nothing another service acts on and no recorded state left stuck,
 * so dual-write does not report it. A pending status the work moves on, a soft delete it cleans
 * up, an e-mail it sends, or a consumer not found in code keeps the finding.
 */
import { Node, SyntaxKind } from 'ts-morph';
import { isFunctionBoundary, type Reached } from '../facts/effects';
import type { SystemModel } from '../model';
import type { Fact } from '../facts/facts';
import { ownConsumers, type HopIndex } from '../facts/hops';
import { realtimePush } from '../facts/libraries/realtimePush';
import { isStateField, isStateValue } from './stateTransitionGuard';
import { isFunctionLike } from '../facts/analysis';
import { runsUnseenCallbacks } from './ownCounterChannel';
import { effectDeduplicated } from './dedupeEvidence';
import { writtenStores } from './existenceCheckGuard';
import { isReply } from '../facts/replies';

/** True when the publish after the flow's writes is follow-up work the service gives itself (see above). */
export function ownFollowUpWork(model: SystemModel, fn: Node, at: Reached, hops: HopIndex): boolean {
  const publish = at.fact;
  if (publish.kind !== 'publish') return false;
  if (recordsState(lastWritesBefore(model.effects.of(fn), at))) return false;
  return derivedByOwnConsumers(model, publish, hops, at.path.length ? at.via : undefined);
}

/**
 * True when every consumer of the publish is in the same service, seen in code, and derives data
 * (see above). A consumer may also publish to its own channel (the next page of a batch it works
 * through): that continuation is more of the same derivation.
 * non-idempotent-consumer reads this too: a duplicate of such a message redoes the derivation and
 * adds nothing, so publishing it again on a redelivery is not a repeated effect.
 */
export function derivedByOwnConsumers(model: SystemModel, publish: Fact, hops: HopIndex, site?: Node): boolean {
  const consumers = ownConsumers(publish, model.serviceOf(publish.node)?.name, hops, site);
  if (!consumers?.length) return false;
  return consumers.every((c) => {
    if (!c.handler || !isFunctionLike(c.handler) || runsUnseenCallbacks(model, c.handler)) return false;
    // A handler whose work is switched off (`case 'update-collection': callback(); break;`): the job changes nothing.
    if (doesNothing(model, c.handler)) return true;
    const reached = model.effects.of(c.handler);
    const written = writtenStores(reached);
    // It derives data: it writes, and every write is one a repeat does not add to (set-to-value, upsert, get-or-create).
    return reached.some((r) => r.fact.kind === 'write') && !reached.some((r) => consequential(r, c) || addsRecord(model, c.handler!, r, written));
  });
}

/** Calls a handler that does nothing may make: its own callbacks (`done()`), and logging. */
const LOGGING = /^(console|log|logger|this\.log|this\.logger)\.\w+$/;
const MAX_NOOP_FUNCTIONS = 12;

/**
 * True when a handler, and every workspace function it calls, makes no call but to a callback it was
 * given (`done()`, `callback(err)`) or to a logger, and constructs nothing: its work is switched off.
 * Any other call (a library's, or one that does not resolve) may do something, so it is not.
 */
function doesNothing(model: SystemModel, handler: Node): boolean {
  const seen = new Set<Node>([handler]);
  const queue = [handler];
  while (queue.length) {
    const fn = queue.shift()!;
    if (fn.getDescendantsOfKind(SyntaxKind.NewExpression).length) return false;
    for (const call of fn.getDescendantsOfKind(SyntaxKind.CallExpression)) {
      const callee = call.getExpression();
      if (LOGGING.test(callee.getText())) continue;
      const decl = Node.isIdentifier(callee) ? callee.getSymbol()?.getDeclarations()[0] : undefined;
      if (decl && Node.isParameterDeclaration(decl)) continue;
      const target = model.analysis.resolveCallee(call);
      if (!target || target.getSourceFile().isDeclarationFile()) return false;
      if (seen.has(target)) continue;
      if (seen.size >= MAX_NOOP_FUNCTIONS) return false;
      seen.add(target);
      queue.push(target);
    }
  }
  return true;
}

/**
 * An effect beyond the service's own data: a publish (not a reply, a realtime push or a continuation
 * on the consumer's own channel), a changing HTTP call, a side effect.
 */
function consequential(r: Reached, consumer: Fact): boolean {
  if (r.fact.kind === 'publish') return !isReply(r) && !realtimePush(r) && !(!!consumer.channel && r.fact.channel === consumer.channel);
  if (r.fact.kind === 'http') return !['GET', 'HEAD'].includes(r.fact.method ?? '') && !r.fact.query;
  return r.fact.kind === 'sideEffect';
}

/** A write that adds a record each time (an insert not keyed or checked first): the message carried something new. */
function addsRecord(model: SystemModel, handler: Node, r: Reached, written: Set<string>): boolean {
  return r.fact.kind === 'write' && !!r.fact.nonIdempotent && !effectDeduplicated(model, handler, r, written);
}

/** `deletedAt`, `deleted_at`, `archivedAt`, `isDeleted`, `is_archived`: a row kept but marked gone. */
const SOFT_DELETE_FIELD = /^(deleted|archived|removed|trashed)(At|_at|On|_on|Date|_date)$|^is_?(deleted|archived|removed|trashed)$/i;

/**
 * State values that wait for work to move them on (`PENDING`, `QUEUED`, `wait_parse`, `executing`):
 * a final one (`finish`, `completed`, `failed`) records nothing left to do.
 */
export const PENDING_VALUE = /^(pending|queued|waiting|wait|init|initial|initialized|created|new|scheduled|executing|running|processing|in_?progress|started|starting|requested|submitted|generating|uploading|sending|dispatching|publishing|parsing|indexing|deleting|cleaning|to_?do)([-_ ].*)?$/i;

/** SQL text that sets a state or soft-delete column. */
const SQL_SETS_STATE = /\bSET\b[\s\S]*?\b(\w*_)?(status|state|stage|phase|deleted_at|archived_at|is_deleted)\s*=/i;

/** A state field set to a value that waits for work (or to a value not written here), or a soft-delete marker set. */
function marksPending(name: string, value: Node | undefined): boolean {
  if (SOFT_DELETE_FIELD.test(name)) return true;
  if (!isStateField(name)) return false;
  if (!value || !isStateValue(value)) return true;
  const text = Node.isStringLiteral(value) || Node.isNoSubstitutionTemplateLiteral(value) ? value.getLiteralText() : value.getText().split('.').pop() ?? '';
  return PENDING_VALUE.test(text);
}

/**
 * The last write to each store before the publish, in the flow's order: a record created `pending`
 * and set to `finish` before the job is queued leaves nothing pending.
 */
function lastWritesBefore(reached: Reached[], at: Reached): Reached[] {
  const end = reached.indexOf(at);
  const last = new Map<string, Reached>();
  for (const r of end < 0 ? reached : reached.slice(0, end)) {
    if (r.fact.kind === 'write') last.set(r.fact.table ?? r.fact.detail, r);
  }
  return [...last.values()];
}

/** True when any of the writes records a pending state or a soft delete. */
function recordsState(writes: Reached[]): boolean {
  return writes.some((w) => w.fact.kind === 'write' && writeRecordsState(w));
}

/** A record that tracks work (`DelayedJob`, `export_tasks`, `workflowExecution`, `taskRun`): created for the job to complete. */
const WORK_RECORD = /(job|task|execution|run)s?$/i;

function writeRecordsState(w: Reached): boolean {
  if (w.fact.table && WORK_RECORD.test(w.fact.table.replace(/[^A-Za-z0-9]/g, ''))) return true;
  const call = w.fact.node.getFirstAncestorByKind(SyntaxKind.CallExpression);
  if (call) {
    for (const arg of call.getArguments()) {
      if ((Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg) || Node.isTemplateExpression(arg)) && SQL_SETS_STATE.test(arg.getText())) return true;
      for (const n of [arg, ...arg.getDescendants()]) {
        if (Node.isPropertyAssignment(n) && marksPending(n.getName(), n.getInitializer())) return true;
        if (Node.isShorthandPropertyAssignment(n) && marksPending(n.getName(), undefined)) return true;
      }
    }
  }
  // `entity.status = Status.QUEUED; await repo.save(entity)`: the assignment in the write's function.
  const fn = w.fact.node.getFirstAncestor(isFunctionBoundary);
  return !!fn && fn.getDescendantsOfKind(SyntaxKind.BinaryExpression).some((b) => {
    const left = b.getLeft();
    return b.getOperatorToken().getKind() === SyntaxKind.EqualsToken && Node.isPropertyAccessExpression(left) && marksPending(left.getName(), b.getRight());
  });
}
