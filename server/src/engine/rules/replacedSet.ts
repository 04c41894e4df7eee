/**
 * A set replaced on every delivery: the flow deletes the rows of a store (`deleteMany({ flashSaleId })`) and
 * then inserts them again from the message (`createMany(products)`). A redelivery deletes what the first
 * delivery inserted and inserts the same rows: the store ends as it was, so the insert is idempotent by
 * construction. The delete must run before the insert in one execution and name the same store.
 */
import type { Node } from 'ts-morph';
import type { Reached } from '../facts/effects';
import { storeName } from './existenceCheckGuard';

const DELETE = /^delete\b|\b(delete|destroy|remove|truncate)\w*\b/i;
const NOT_DELETE = /^(insert|update|upsert|replace|merge)\b/i;

/** True when `insert` follows a delete of the same store in the handler's flow. */
export function replacedSet(reached: Reached[], handler: Node, insert: Reached): boolean {
  if (insert.fact.kind !== 'write' || !insert.fact.table || DELETE.test(insert.fact.detail)) return false;
  const store = storeName(insert.fact.table);
  return reached.some((r) => r !== insert && r.fact.kind === 'write' && !!r.fact.table && storeName(r.fact.table) === store
    && DELETE.test(r.fact.detail) && !NOT_DELETE.test(r.fact.detail) && runsBefore(r, insert, handler));
}

/** True when `a` runs before `b`: compared where their call chains from the handler part. */
function runsBefore(a: Reached, b: Reached, handler: Node): boolean {
  const pa = [a.via, ...a.steps];
  const pb = [b.via, ...b.steps];
  const oa = [handler, ...a.path];
  const ob = [handler, ...b.path];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    if (oa[i] !== ob[i]) return false;
    if (pa[i] !== pb[i]) return pa[i].getStart() < pb[i].getStart();
  }
  return false;
}
