/**
 * Objection.js, the ORM on knex. Models are classes extending `Model` (also through a workspace base
 * model), their table named by `static tableName = 'orders'` (or a static getter returning it).
 * `Order.query(trx)` starts a query builder on the model's table: `insert` / `insertGraph` /
 * `insertAndFetch` (idempotent when the data carries the row's id, or with `.onConflict(...).ignore()`
 * / `.merge()`), `patch` / `update` and their `...AndFetchById` forms, `delete` / `deleteById`,
 * `increment` / `decrement` (not idempotent), `upsertGraph` (idempotent); `findById`, `findOne`,
 * `first`, `select` read. An instance's `$query()` patches or deletes its own row, and
 * `$relatedQuery('items')` / `Order.relatedQuery('items')` work on a relation's rows. `Model.knex()`
 * is the knex client (knex.ts), and `Model.transaction(...)` / `transaction(knex, ...)` open a transaction.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Fact } from '../facts';
import { namesTheRow, writeFact } from './build';
import { isGuardTable } from '../sql';
import { arg, calleeName, chainedCalls, declarationOf, receiver, stringValue } from '../syntax';

const MODEL = 'objection#Model';
const QUERY = 'objection.Query';

/** `static tableName = 'orders'` or `static get tableName() { return 'orders'; }`, in the class or a workspace base. */
function tableNameOf(cls: Node | undefined): string | undefined {
  for (let c = cls, i = 0; c && Node.isClassDeclaration(c) && i < 5; c = c.getBaseClass(), i++) {
    const prop = c.getStaticProperty('tableName');
    if (prop && Node.isPropertyDeclaration(prop)) {
      const value = stringValue(prop.getInitializer());
      if (value) return value;
    }
    if (prop && Node.isGetAccessorDeclaration(prop)) {
      const ret = prop.getDescendantsOfKind(SyntaxKind.ReturnStatement)[0]?.getExpression();
      const value = stringValue(ret);
      if (value) return value;
    }
  }
  return undefined;
}

/**
 * The table a builder call works on: the model class's table (`Order.query()`), the relation
 * (`order.$relatedQuery('items')`), or the instance's text (`order.$query()`).
 */
function tableOf(call: Node): string | undefined {
  let node: Node | undefined = receiver(call);
  for (let i = 0; i < 12 && node && Node.isCallExpression(node); i++) {
    const callee = node.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) return undefined;
    const name = callee.getName();
    if (name === 'query') {
      const cls = declarationOf(callee.getExpression());
      return tableNameOf(cls) ?? (cls && Node.isClassDeclaration(cls) ? cls.getName() : callee.getExpression().getText());
    }
    if (name === 'relatedQuery' || name === '$relatedQuery') return stringValue(arg(node, 0)) ?? callee.getExpression().getText();
    if (name === '$query') return callee.getExpression().getText();
    node = callee.getExpression();
  }
  return undefined;
}

/** The names of the calls chained after this one (`insert(...).onConflict('id').ignore()`). */
function chainAfter(call: Node): string[] {
  return chainedCalls(call).map((c) => c.name);
}

const insert = (verb: string): OperationAnalyzer => (call) => {
  const table = tableOf(call);
  const chain = chainAfter(call);
  const conflict = chain.includes('onConflict') && (chain.includes('ignore') || chain.includes('merge'));
  const facts: Fact[] = [];
  if (conflict && chain.includes('ignore') && isGuardTable(table)) {
    facts.push({ kind: 'guard', node: calleeName(call), library: 'objection', detail: `${verb} into ${table ?? '?'} ON CONFLICT IGNORE`, table });
  }
  facts.push(...writeFact('objection', call, `${verb} into ${table ?? '?'}${conflict ? ' ON CONFLICT' : ''}`, !conflict && !namesTheRow(arg(call, 0)), table));
  return facts;
};

const write = (verb: string, nonIdempotent: boolean): OperationAnalyzer => (call) => {
  const table = tableOf(call);
  return writeFact('objection', call, `${verb} on ${table ?? '?'}`, nonIdempotent, table);
};

const read: OperationAnalyzer = (call) => {
  const table = tableOf(call);
  return { kind: isGuardTable(table) ? 'guard' : 'read', node: calleeName(call), library: 'objection', detail: `${calleeName(call).getText()} on ${table ?? '?'}`, table };
};

const tx: OperationAnalyzer = (call) => ({ kind: 'tx', node: calleeName(call), library: 'objection', detail: 'transaction' });

export const objection: LibraryTable = {
  name: 'objection',
  transitions: {
    [`${MODEL}|query()`]: QUERY,
    [`${MODEL}|relatedQuery()`]: QUERY,
    [`${MODEL}|knex()`]: 'knex.Knex',
    [`${MODEL}|instance`]: 'objection.Instance',
    'objection.Instance|$query()': QUERY,
    'objection.Instance|$relatedQuery()': QUERY,
    [`${QUERY}|*()`]: QUERY,
  },
  operations: {
    [`${QUERY}|insert`]: insert('insert'),
    [`${QUERY}|insertAndFetch`]: insert('insert'),
    [`${QUERY}|insertGraph`]: insert('insertGraph'),
    [`${QUERY}|insertGraphAndFetch`]: insert('insertGraph'),
    [`${QUERY}|upsertGraph`]: write('upsertGraph', false),
    [`${QUERY}|upsertGraphAndFetch`]: write('upsertGraph', false),
    [`${QUERY}|patch`]: write('patch', false),
    [`${QUERY}|update`]: write('update', false),
    [`${QUERY}|patchAndFetchById`]: write('patch', false),
    [`${QUERY}|updateAndFetchById`]: write('update', false),
    [`${QUERY}|patchAndFetch`]: write('patch', false),
    [`${QUERY}|delete`]: write('delete', false),
    [`${QUERY}|deleteById`]: write('delete', false),
    [`${QUERY}|increment`]: write('increment', true),
    [`${QUERY}|decrement`]: write('decrement', true),
    [`${QUERY}|findById`]: read,
    [`${QUERY}|findOne`]: read,
    [`${QUERY}|first`]: read,
    [`${QUERY}|select`]: read,
    [`${MODEL}|transaction`]: tx,
    'objection#transaction|()': tx,
  },
};
