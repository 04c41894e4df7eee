/**
 * pg-boss, a job queue stored in Postgres: `new PgBoss(url | options)`, jobs sent with
 * `boss.send(name, data, options)` (or `send({ name, data, options })`), `sendAfter`,
 * `sendThrottled`, `sendDebounced`, `insert([{ name, data }])`, and worked by
 * `boss.work(name, [options], handler)`. The queue name is the channel. A send with a
 * `singletonKey` (or a caller-chosen `id`) is dropped while one with that key is waiting.
 *
 * The job is written on pg-boss's own connection, so a send after the flow's write (even inside
 * the flow's transaction callback) commits separately: a dual write. `INSERT INTO pgboss.job` in
 * the flow's own transaction is not a send here; it commits with the write.
 *
 * Whether a failed job runs again depends on the `retryLimit` its sender or the queue sets
 * (pg-boss 9 and earlier retry nothing by default), which the engine does not follow from the
 * send to the handler: a handler is taken as run once (see delivery.ts), and
 * non-idempotent-consumer stays silent on it.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, channelName, objectLiteral, prop } from '../syntax';

const LIBRARY = 'pg-boss';

/** `send(name, data, options)` or `send({ name, data, options })`. */
const send: OperationAnalyzer = (call) => {
  const first = arg(call, 0);
  const request = first && objectLiteral(first) && prop(first, 'name') ? first : undefined;
  const name = request ? prop(request, 'name') : first;
  const data = request ? prop(request, 'data') : arg(call, 1);
  const options = request ? prop(request, 'options') : arg(call, 2);
  const channel = channelName(name);
  const keyed = !!(prop(options, 'singletonKey') ?? prop(options, 'id'));
  return publishFact(LIBRARY, call, `${calleeName(call).getText()} "${channel ?? '?'}"`, channel, [data], { nonIdempotent: !keyed, payload: { node: data } });
};

/** `insert([{ name, data }, ...])`: the first job's queue names the channel. */
const insert: OperationAnalyzer = (call) => {
  const list = arg(call, 0);
  const first = list && Node.isArrayLiteralExpression(list) ? list.getElements()[0] : undefined;
  const channel = channelName(prop(first, 'name'));
  return publishFact(LIBRARY, call, `insert jobs "${channel ?? '?'}"`, channel, [prop(first, 'data')], { payload: { node: prop(first, 'data') } });
};

/** `work(name, handler)` or `work(name, options, handler)`. */
const work: OperationAnalyzer = (call) => {
  const args = Node.isCallExpression(call) ? call.getArguments() : [];
  const handler = args.length >= 3 ? args[2] : args[1];
  const channel = channelName(args[0]);
  return consumerFact(LIBRARY, call, calleeName(call), handler, channel, `pg-boss work "${channel ?? '?'}"`, 'pg-boss');
};

const transitions: Record<string, string> = {
  'pg-boss#default|new': 'pg-boss.Boss',
  'pg-boss#PgBoss|new': 'pg-boss.Boss',
  'pg-boss#default|instance': 'pg-boss.Boss',
  'pg-boss#PgBoss|instance': 'pg-boss.Boss',
  'pg-boss#*|new': 'pg-boss.Boss',
};

export const pgBoss: LibraryTable = {
  name: LIBRARY,
  transitions,
  operations: {
    ...Object.fromEntries(['send', 'sendAfter', 'sendThrottled', 'sendDebounced', 'sendSingleton', 'sendOnce'].map((m) => [`pg-boss.Boss|${m}`, send])),
    'pg-boss.Boss|insert': insert,
    'pg-boss.Boss|work': work,
  },
};
