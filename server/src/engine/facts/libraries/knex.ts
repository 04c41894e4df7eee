/**
 * Knex: `knex(config)` clients, `knex('orders').insert(...)` query builders
 * (`.onConflict(...).ignore()/merge()` make an insert idempotent; an ignore on
 * a message/event id column is an inbox guard), `increment/decrement`,
 * `raw(sql)` and transactions (`knex.transaction(async (trx) => ...)`, where
 * `trx` is a knex of its own).
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Fact } from '../facts';
import { clientFact, sqlFacts, writeFact } from './build';
import { isGuardTable } from '../sql';
import { arg, calleeName, chainedCallTexts as chainAfter, prop, receiver, stringValue } from '../syntax';

/** The table of a builder chain: `knex('t')`, `.table('t')`, `.from('t')`, `.into('t')`. */
function tableOf(call: Node): string | undefined {
  let node: Node | undefined = receiver(call);
  for (let i = 0; i < 12 && node; i++) {
    if (Node.isCallExpression(node)) {
      const callee = node.getExpression();
      if (!Node.isPropertyAccessExpression(callee)) return stringValue(arg(node, 0));
      if (/^(table|from|into|withSchema)$/.test(callee.getName()) && callee.getName() !== 'withSchema') return stringValue(arg(node, 0));
      node = callee.getExpression();
    } else return undefined;
  }
  return undefined;
}


const insert: OperationAnalyzer = (call) => {
  const table = tableOf(call);
  const chain = chainAfter(call);
  const conflict = chain.find((c) => c.startsWith('onConflict('));
  const ignore = !!conflict && chain.some((c) => c.startsWith('ignore('));
  const merge = !!conflict && chain.some((c) => c.startsWith('merge('));
  const facts: Fact[] = [];
  if (ignore && (isGuardTable(table) || /message|event|idempot|dedup/i.test(conflict ?? ''))) {
    facts.push({ kind: 'guard', node: calleeName(call), library: 'knex', detail: `INSERT INTO ${table ?? '?'} ON CONFLICT DO NOTHING`, table });
  }
  facts.push(...writeFact('knex', call, `INSERT INTO ${table ?? '?'}${ignore ? ' ON CONFLICT IGNORE' : merge ? ' ON CONFLICT MERGE' : ''}`, !ignore && !merge, table));
  return facts;
};

const update: OperationAnalyzer = (call) => {
  const table = tableOf(call);
  const inc = /raw\([^)]*\?\?\s*[+-]|raw\([^)]*\w+\s*[+-]\s*\d/.test(arg(call, 0)?.getText() ?? '');
  return writeFact('knex', call, `UPDATE ${table ?? '?'}${inc ? ' (increment)' : ''}`, inc, table);
};

const increment: OperationAnalyzer = (call) => {
  const table = tableOf(call);
  return writeFact('knex', call, `UPDATE ${table ?? '?'} (${calleeName(call).getText()})`, true, table);
};

const del: OperationAnalyzer = (call) => writeFact('knex', call, `DELETE FROM ${tableOf(call) ?? '?'}`, false, tableOf(call));

const select: OperationAnalyzer = (call) => {
  const from = chainAfter(call).find((c) => /^(from|table)\(/.test(c));
  const table = tableOf(call) ?? (from ? from.replace(/^\w+\(['"`]?([^'"`,)]*).*$/, '$1') : undefined);
  return { kind: isGuardTable(table) ? 'guard' : 'read', node: calleeName(call), library: 'knex', detail: `SELECT FROM ${table ?? '?'}`, table };
};

const client: OperationAnalyzer = (call) => {
  const config = arg(call, 0);
  const driver = stringValue(prop(config, 'client')) ?? stringValue(prop(config, 'dialect'));
  const store = !driver ? 'sql' : /^(pg|postgres)/.test(driver) ? 'postgres' : /^mysql/.test(driver) ? 'mysql' : /^(mssql|tedious)/.test(driver) ? 'mssql' : driver;
  return clientFact('knex', call, store, config ? [config] : []);
};

export const knex: LibraryTable = {
  name: 'knex',
  transitions: {
    'knex#default|()': 'knex.Knex',
    'knex#knex|()': 'knex.Knex',
    'knex#*|()': 'knex.Knex',
    'knex#Knex|instance': 'knex.Knex',
    'knex#Knex|.Transaction': 'knex#Transaction',
    'knex#Transaction|instance': 'knex.Knex',
    'knex.Knex|()': 'knex.Query',
    'knex.Knex|table()': 'knex.Query',
    'knex.Knex|from()': 'knex.Query',
    'knex.Knex|into()': 'knex.Query',
    'knex.Knex|queryBuilder()': 'knex.Query',
    'knex.Knex|withSchema()': 'knex.Knex',
    'knex.Knex|transaction():param0': 'knex.Knex',
    'knex.Knex|transaction()': 'knex.Knex',
    'knex.Query|*()': 'knex.Query',
    'knex.Query|.*': 'knex.Query',
  },
  operations: {
    'knex#default|()': client,
    'knex#knex|()': client,
    'knex#*|()': client,
    'knex.Query|insert': insert,
    'knex.Query|update': update,
    'knex.Query|increment': increment,
    'knex.Query|decrement': increment,
    'knex.Query|del': del,
    'knex.Query|delete': del,
    'knex.Query|select': select,
    'knex.Knex|select': select,
    'knex.Query|first': select,
    'knex.Query|forUpdate': select,
    'knex.Knex|raw': (call, a) => sqlFacts('knex', call, arg(call, 0), a),
    'knex.Knex|transaction': (call) => ({ kind: 'tx', node: calleeName(call), library: 'knex', detail: 'transaction' }),
  },
};
