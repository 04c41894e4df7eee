/**
 * A call made after the write inside a `try` whose `catch` undoes the write (`await repo.create(t)`, then
 * `try { await agent.send(...) } catch (e) { await repo.delete(t.id); throw e; }`): a failed call or an
 * unreachable service is compensated, so the change is not left saved without its call. That is a
 * deliberate saga step; the window a crash between the two leaves is its known cost, not a missing
 * outbox. The catch must write the store the business write wrote (or a store the engine cannot name).
 */
import { Node } from 'ts-morph';
import type { Reached } from '../facts/effects';
import { storeName } from './existenceCheckGuard';

/** True when `effect` runs inside a `try` of fn whose `catch` clause writes the store `write` wrote. */
export function compensatedOnFailure(fn: Node, effect: Reached, write: Reached, reached: Reached[]): boolean {
  for (let child: Node = effect.via, n = effect.via.getParent(); n && n !== fn; child = n, n = n.getParent()) {
    if (!Node.isTryStatement(n) || child !== n.getTryBlock()) continue;
    const handler = n.getCatchClause();
    if (!handler) continue;
    const undo = reached.some((r) => r.fact.kind === 'write' && r !== write && handler.containsRange(r.via.getPos(), r.via.getEnd())
      && (!r.fact.table || !write.fact.table || storeName(r.fact.table) === storeName(write.fact.table)));
    if (undo) return true;
  }
  return false;
}
