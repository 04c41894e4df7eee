import { createRule } from './createRule';
import type { Node } from 'ts-morph';
import { justificationFix } from '../fixes/justification';
import { callersOf, callSitesOf, consumersByHandler, entryPoints, nameOf, type Caller } from './rootCause';
import { bringsIn } from '../system/imports';
import { inSharedCodeFolder } from '../workspace/deployables';
import { runsNowhere } from '../facts/reachability';
import type { SystemModel } from '../model';
import type { Fact } from '../facts/facts';
import type { Location, RelatedLocation } from '../types';
import { calleeName } from '../facts/syntax';

export const unjustifiedDistributedLock = createRule({
  id: 'unjustified-distributed-lock',
  description: 'Locks held across processes (Redlock, Redis SET NX locks, database advisory locks) need a recorded justification.',
  defaultSeverity: 'warning',
  fixes: ['Record a justification in architecture.yaml'],
  messages: {
    lock: {
      message: 'Distributed lock `{{detail}}` with no recorded justification. Locks across processes fail open on clock drift, GC pauses and partitions (two holders), and serialise work that a conditional write or a single-writer partition could order instead.',
      hint: 'Prefer an idempotent or version-conditional write, or partition the work by key; if the lock is really needed, add a decision with pattern: distributed-lock and a justification (and a fencing token) to architecture.yaml.',
    },
    // A database advisory lock has no lease to expire: what it costs is different from a Redis or table lock's.
    databaseLock: {
      message: 'Distributed lock `{{detail}}` (a database advisory lock) with no recorded justification. It serialises every process that takes this key on one database: takers that wait hold a connection each, and the order it gives lives only in the lock, where a conditional write, a unique constraint or a single-writer partition would keep it in the data.',
      hint: 'Prefer a version-conditional write or a unique constraint, or partition the work by key; if the lock is really needed, add a decision with pattern: distributed-lock and a justification to architecture.yaml.',
    },
  },
  check({ model, report }) {
    const locks = model.facts.filter((f) => f.kind === 'lock' && !model.justification('distributed-lock', f.node));
    // One finding per lock call: a lock helper called from many flows is reported once, where the lock is taken, with those flows as related locations.
    const callers = callersOf(model, new Set(locks));
    const consumers = consumersByHandler(model);
    const seen = new Set<Node>();
    for (const fact of locks) {
      if (seen.has(fact.node)) continue;
      seen.add(fact.node);
      if (unusedSharedCode(model, fact, callers.get(fact) ?? [])) continue;
      if (runsNowhere(model, fact.node, (callers.get(fact) ?? []).map((c) => c.fn))) continue;
      if (idempotencyKeyOnly(callers.get(fact) ?? [])) continue;
      report({
        messageId: DATABASE_LOCK.test(fact.detail) ? 'databaseLock' : 'lock', data: { detail: fact.detail }, location: model.locationOf(fact.node), snippet: fact.detail,
        related: related(model, fact, callers.get(fact) ?? [], consumers),
        fixes: () => justificationFix(model, fact.node, 'distributed-lock'),
      });
    }
  },
});

/**
 * A lock in shared code (a `libs/` or `packages/` folder outside every deployable) that no deployable runs: no
 * service imports what declares it (through barrels, by the names it imports) and no service code
 * calls it. Nothing takes that lock in this system; a workspace with no deployable at all is not
 * concerned.
 */
function unusedSharedCode(model: SystemModel, fact: Fact, callers: { fn: Node }[]): boolean {
  // Only code in a shared-code folder (`libs/`, `packages/`): other code outside every known deployable may be
  // a deployable the layout did not recognize (a root app), where silence would be a guess.
  if (model.serviceOf(fact.node) || !model.layout.services.length || !inSharedCodeFolder(model.relOf(fact.node))) return false;
  if (callers.some((c) => model.serviceOf(c.fn))) return false;
  const file = fact.node.getSourceFile();
  return model.importersInServices(file, { accept: bringsIn(file), depth: 5 }).length === 0;
}

/** Names of helpers that record a request or message as seen: what they take is a deduplication key, not a mutex. */
const IDEMPOTENCY_KEY = /idempoten|dedup/i;

/**
 * A lock taken only to claim an idempotency key (`lockIdempotencyKey(key)` over a timed `SET NX` or a
 * Redlock held until its TTL): a repeat of the request finds the key taken and stops. That is a
 * deduplication, not two processes serialising work, so no justification is asked for. Every caller
 * of the lock must reach it through such a helper.
 */
function idempotencyKeyOnly(callers: Caller[]): boolean {
  return callers.length > 0 && callers.every((c) => [c.fn, ...c.path].some((fn) => IDEMPOTENCY_KEY.test(nameOf(fn).getText())));
}

/** Database advisory locks (`pg_advisory_xact_lock()`, MySQL `get_lock()`, SQL Server `sp_getapplock()`, the advisory-lock packages): held by the database, no lease. */
const DATABASE_LOCK = /advisory|get_lock|getapplock/i;

/**
 * The related locations of a lock: where it is taken through a helper (`MutexLock.using(...)` in a
 * task, `withLock(key, fn)` in a webhook handler), the same lock seen from the flows that take it,
 * then the entry points that do not take it themselves.
 */
function related(model: SystemModel, fact: Fact, callers: Caller[], consumers: Map<Node, Fact>): RelatedLocation[] {
  const sites = callSitesOf(fact, callers);
  const listed = sites.map((c) => model.locationOf(nameOf(c.fn)));
  return [
    ...sites.map(({ via }) => ({ ...model.locationOf(calleeName(via)), message: `the same lock taken here through \`${calleeName(via).getText().slice(0, 60)}\`` })),
    ...entryPoints(model, callers, consumers).filter((e) => !listed.some((l) => sameStart(l, e))),
  ];
}

function sameStart(a: Location, b: Location): boolean {
  return a.file === b.file && a.range.start.line === b.range.start.line && a.range.start.column === b.range.start.column;
}
