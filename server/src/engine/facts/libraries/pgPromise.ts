/**
 * pg-promise: `const pgp = pgPromise(); const db = pgp(connection)`, then `db.none(sql)`,
 * `db.one(...)`, `db.result(...)` and the other query methods, inside `db.tx(t => ...)` /
 * `db.task(t => ...)` on the callback's `t`. The SQL is the first argument: a string, a template,
 * or text built with `pgp.helpers.insert(data, columns)` / `pgp.helpers.update(...)` (read as the
 * INSERT or UPDATE they generate, with whatever is appended: `+ ' ON CONFLICT DO NOTHING'`).
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { clientFact, sqlFacts } from './build';
import { arg, calleeName, initializerOf, prop, stringValue, textWithCalls } from '../syntax';

/** The query methods of a database or a task/transaction context: each runs the SQL of its first argument. */
const QUERY_METHODS = ['none', 'one', 'oneOrNone', 'many', 'manyOrNone', 'any', 'result', 'query', 'multi', 'multiResult', 'each', 'map'];

/** The SQL text an argument gives (syntax.ts's string evaluation, helper calls read as their SQL), `?` for the parts that do not resolve. */
function pgPromiseSql(node: Node | undefined): string | undefined {
  return textWithCalls(node, helperSql);
}

/** `pgp.helpers.insert(data, columns, table?)` → `INSERT INTO table (?) VALUES ?`; `helpers.update` → `UPDATE table SET ?`. */
function helperSql(n: Node): string | undefined {
  if (!Node.isCallExpression(n)) return undefined;
  const callee = n.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !/(^|\.)helpers$/.test(callee.getExpression().getText())) return undefined;
  const verb = callee.getName();
  if (verb !== 'insert' && verb !== 'update') return undefined;
  const table = stringValue(arg(n, 2)) ?? columnSetTable(arg(n, 1)) ?? '?';
  return verb === 'insert' ? `INSERT INTO ${table} (?) VALUES ? ` : `UPDATE ${table} SET ? = ? `;
}

/** The table of `new pgp.helpers.ColumnSet([...], { table: 'orders' })`, also through a const. */
function columnSetTable(node: Node | undefined): string | undefined {
  let n = node;
  if (n && Node.isIdentifier(n)) n = initializerOf(n);
  if (!n || !Node.isNewExpression(n)) return undefined;
  const table = prop(n.getArguments()[1], 'table');
  return stringValue(table) ?? stringValue(prop(table, 'table'));
}

const query: OperationAnalyzer = (call, analysis) => sqlFacts('pg-promise', call, arg(call, 0), analysis, pgPromiseSql(arg(call, 0)));

const transitions: Record<string, string> = {
  'pg-promise#default|()': 'pg-promise.Main',
  'pg-promise#*|()': 'pg-promise.Main',
  'pg-promise.Main|()': 'pg-promise.Database',
  'pg-promise#IDatabase|instance': 'pg-promise.Database',
  'pg-promise#ITask|instance': 'pg-promise.Database',
};
const operations: Record<string, OperationAnalyzer> = {
  'pg-promise.Main|()': (call) => clientFact('pg-promise', call, 'postgres', [arg(call, 0)].filter((n): n is Node => !!n)),
};
for (const method of ['tx', 'task', 'txIf', 'taskIf']) {
  // `db.tx(t => ...)`, `db.tx('tag', t => ...)`, `db.tx({ mode }, t => ...)`: the callback's context runs the same queries.
  transitions[`pg-promise.Database|${method}():param0`] = 'pg-promise.Database';
  transitions[`pg-promise.Database|${method}():param1`] = 'pg-promise.Database';
}
operations['pg-promise.Database|tx'] = (call) => ({ kind: 'tx', node: calleeName(call), library: 'pg-promise', detail: 'tx' });
for (const method of QUERY_METHODS) operations[`pg-promise.Database|${method}`] = query;

export const pgPromise: LibraryTable = { name: 'pg-promise', transitions, operations };
