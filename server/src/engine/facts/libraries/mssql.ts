/**
 * mssql (SQL Server, over tedious): `sql.connect(config)` / `new sql.ConnectionPool(config)`,
 * `pool.request().input(...).query(sql)`, `new sql.Request(pool | transaction)`,
 * `transaction.request()`. The SQL text is read like pg's and mysql2's.
 */
import type { Node } from 'ts-morph';
import type { LibraryTable } from './table';
import { clientFact, sqlFacts } from './build';
import { arg } from '../syntax';
import type { Analysis } from '../analysis';

const client = (node: Node) => clientFact('mssql', node, 'mssql', [arg(node, 0)].filter((n): n is Node => !!n));
const query = (call: Node, a: Analysis) => sqlFacts('mssql', call, arg(call, 0), a);

export const mssql: LibraryTable = {
  name: 'mssql',
  transitions: {
    'mssql#connect|()': 'mssql.Pool',
    'mssql#ConnectionPool|new': 'mssql.Pool',
    'mssql#ConnectionPool|instance': 'mssql.Pool',
    'mssql.Pool|connect()': 'mssql.Pool',
    'mssql.Pool|request()': 'mssql.Request',
    'mssql.Pool|transaction()': 'mssql.Transaction',
    'mssql#Transaction|new': 'mssql.Transaction',
    'mssql#Transaction|instance': 'mssql.Transaction',
    'mssql.Transaction|request()': 'mssql.Request',
    'mssql#Request|new': 'mssql.Request',
    'mssql#Request|instance': 'mssql.Request',
    'mssql.Request|input()': 'mssql.Request',
    'mssql.Request|output()': 'mssql.Request',
  },
  operations: {
    'mssql#connect|()': client,
    'mssql#ConnectionPool|new': client,
    'mssql#query|()': query,
    'mssql.Pool|query': query,
    'mssql.Pool|batch': query,
    'mssql.Request|query': query,
    'mssql.Request|batch': query,
  },
};
