/** node-postgres: `new Pool()/new Client()`, `query(sql)`, `pool.connect()`. */
import type { LibraryTable } from './table';
import { clientFact, sqlFacts } from './build';
import { arg } from '../syntax';
import { Node } from 'ts-morph';

function sqlArg(call: Node): Node | undefined {
  const first = arg(call, 0);
  // query({ text, values }) form
  if (first && Node.isObjectLiteralExpression(first)) {
    const text = first.getProperty('text');
    return text && Node.isPropertyAssignment(text) ? text.getInitializer() : undefined;
  }
  return first;
}

export const pg: LibraryTable = {
  name: 'pg',
  transitions: {
    'pg#Pool|new': 'pg.Pool',
    'pg#Client|new': 'pg.Client',
    'pg#Pool|instance': 'pg.Pool',
    'pg#PoolClient|instance': 'pg.Client',
    'pg#Client|instance': 'pg.Client',
    'pg#ClientBase|instance': 'pg.Client',
    'pg.Pool|connect()': 'pg.Client',
    // @fastify/postgres decorates the app with a pg Pool (`fastify.pg`, typed `PostgresDb`): query, connect, and its `pool`.
    '@fastify/postgres#PostgresDb|instance': 'pg.Pool',
    'pg.Pool|.pool': 'pg.Pool',
  },
  operations: {
    'pg#Pool|new': (node) => clientFact('pg', node, 'postgres', [arg(node, 0)].filter((n): n is Node => !!n)),
    'pg#Client|new': (node) => clientFact('pg', node, 'postgres', [arg(node, 0)].filter((n): n is Node => !!n)),
    'pg.Pool|query': (call, a) => sqlFacts('pg', call, sqlArg(call), a),
    'pg.Client|query': (call, a) => sqlFacts('pg', call, sqlArg(call), a),
  },
};
