/** mysql2 (callback and promise APIs): `createPool/createConnection`, `query/execute(sql)`. */
import type { Node } from 'ts-morph';
import type { LibraryTable } from './table';
import { clientFact, sqlFacts } from './build';
import { arg } from '../syntax';

const client = (node: Node) => clientFact('mysql2', node, 'mysql', [arg(node, 0)].filter((n): n is Node => !!n));

export const mysql: LibraryTable = {
  name: 'mysql2',
  transitions: {
    'mysql2#createPool|()': 'mysql.Pool',
    'mysql2#createConnection|()': 'mysql.Pool',
    'mysql2#Pool|instance': 'mysql.Pool',
    'mysql2#Connection|instance': 'mysql.Pool',
    'mysql2#PoolConnection|instance': 'mysql.Pool',
    'mysql.Pool|getConnection()': 'mysql.Pool',
    'mysql.Pool|promise()': 'mysql.Pool',
    'mysql#createPool|()': 'mysql.Pool',
    'mysql#createConnection|()': 'mysql.Pool',
  },
  operations: {
    'mysql2#createPool|()': client,
    'mysql2#createConnection|()': client,
    'mysql#createPool|()': client,
    'mysql#createConnection|()': client,
    'mysql.Pool|query': (call, a) => sqlFacts('mysql2', call, arg(call, 0), a),
    'mysql.Pool|execute': (call, a) => sqlFacts('mysql2', call, arg(call, 0), a),
  },
};
