/**
 * Drizzle ORM: `drizzle(client | url)` for every driver entry point,
 * `db.insert(table).values(...)` (`onConflictDoNothing()` on a message id
 * target is an inbox guard; `onConflictDoUpdate` an idempotent upsert),
 * `db.update(table).set(...)` (a `sql\`x + 1\`` is an increment),
 * `db.delete`, `db.select().from(table)`, `db.execute(sql)` and transactions.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Fact } from '../facts';
import { clientFact, sqlFacts, writeFact } from './build';
import { isGuardTable } from '../sql';
import { arg, calleeName, initializerOf, objectLiteral, propName, stringValue } from '../syntax';
import { givenFields } from './staticValues';
import { keyGiven } from './givenData';

const DRIVERS: Record<string, string> = {
  'drizzle-orm/node-postgres': 'postgres', 'drizzle-orm/postgres-js': 'postgres', 'drizzle-orm/neon-http': 'postgres',
  'drizzle-orm/neon-serverless': 'postgres', 'drizzle-orm/vercel-postgres': 'postgres', 'drizzle-orm/pglite': 'postgres',
  'drizzle-orm/aws-data-api/pg': 'postgres', 'drizzle-orm/xata-http': 'postgres', 'drizzle-orm/pg-proxy': 'postgres',
  'drizzle-orm/mysql2': 'mysql', 'drizzle-orm/planetscale-serverless': 'mysql', 'drizzle-orm/tidb-serverless': 'mysql', 'drizzle-orm/mysql-proxy': 'mysql',
  'drizzle-orm/better-sqlite3': 'sqlite', 'drizzle-orm/libsql': 'sqlite', 'drizzle-orm/bun-sqlite': 'sqlite', 'drizzle-orm/d1': 'sqlite',
  'drizzle-orm/expo-sqlite': 'sqlite', 'drizzle-orm/op-sqlite': 'sqlite', 'drizzle-orm/sqlite-proxy': 'sqlite',
};
const DB_TYPES = ['NodePgDatabase', 'PostgresJsDatabase', 'NeonHttpDatabase', 'NeonDatabase', 'VercelPgDatabase', 'PgliteDatabase',
  'MySql2Database', 'PlanetScaleDatabase', 'BetterSQLite3Database', 'LibSQLDatabase', 'BunSQLiteDatabase', 'DrizzleD1Database'];
const CORE_DB_TYPES: Record<string, string[]> = {
  'drizzle-orm/pg-core': ['PgDatabase', 'PgTransaction'],
  'drizzle-orm/mysql-core': ['MySqlDatabase', 'MySqlTransaction'],
  'drizzle-orm/sqlite-core': ['BaseSQLiteDatabase', 'SQLiteTransaction'],
};

/** The SQL name of a drizzle table: `pgTable('orders', ...)` behind the identifier, else the identifier. */
function tableName(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const init = Node.isIdentifier(node) || Node.isPropertyAccessExpression(node) ? initializerOf(node) : undefined;
  if (init && Node.isCallExpression(init) && /Table$/.test(init.getExpression().getText())) return stringValue(arg(init, 0)) ?? node.getText();
  return node.getText();
}

/** Calls chained after this one (`insert(t).values(v).onConflictDoNothing({ target })`). */
function chainAfter(call: Node): { name: string; call: Node }[] {
  const out: { name: string; call: Node }[] = [];
  let node: Node = call;
  for (let i = 0; i < 8; i++) {
    const access = node.getParent();
    const next = access?.getParent();
    if (!access || !Node.isPropertyAccessExpression(access) || !next || !Node.isCallExpression(next)) break;
    out.push({ name: access.getName(), call: next });
    node = next;
  }
  return out;
}

const insert: OperationAnalyzer = (call) => {
  const table = tableName(arg(call, 0));
  const chain = chainAfter(call);
  const nothing = chain.find((c) => c.name === 'onConflictDoNothing');
  const upsert = chain.some((c) => c.name === 'onConflictDoUpdate');
  const target = nothing ? arg(nothing.call, 0)?.getText() ?? '' : '';
  const facts: Fact[] = [];
  if (nothing && (isGuardTable(table) || /message|event|idempot|dedup/i.test(target))) {
    facts.push({ kind: 'guard', node: calleeName(call), library: 'drizzle-orm', detail: `insert into ${table ?? '?'} onConflictDoNothing`, table });
  }
  // A primary or unique key the table declares, set from outside: a repeat collides on it.
  const values = chain.find((c) => c.name === 'values');
  const given = !nothing && !upsert && values ? givenFields(arg(values.call, 0)) : undefined;
  const key = keyGiven(tableKeys(arg(call, 0)), given);
  const note = nothing ? ' onConflictDoNothing' : upsert ? ' onConflictDoUpdate' : key ? ` (keyed on ${key.join(', ')})` : '';
  facts.push(...writeFact('drizzle-orm', call, `insert into ${table ?? '?'}${note}`, !nothing && !upsert && !key, table));
  return facts;
};

/**
 * The primary and unique keys a drizzle table declares (by column property name): `.primaryKey()` /
 * `.unique()` on a column builder, and in the extra-config callback `primaryKey({ columns: [t.a, t.b] })`,
 * `unique().on(t.a, t.b)` and `uniqueIndex(name).on(t.a)`.
 */
function tableKeys(node: Node | undefined): string[][] {
  const init = node && (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) ? initializerOf(node) : undefined;
  if (!init || !Node.isCallExpression(init) || !/Table$/.test(init.getExpression().getText())) return [];
  const keys: string[][] = [];
  const primary: string[] = [];
  const columns = objectLiteral(arg(init, 1));
  for (const p of columns?.getProperties() ?? []) {
    if (!Node.isPropertyAssignment(p)) continue;
    const text = p.getInitializer()?.getText() ?? '';
    if (/\.primaryKey\(\s*\)/.test(text)) primary.push(propName(p.getNameNode()));
    else if (/\.unique\(/.test(text)) keys.push([propName(p.getNameNode())]);
  }
  if (primary.length) keys.push(primary);
  const extra = arg(init, 2)?.getText() ?? '';
  for (const m of extra.matchAll(/\b(?:unique|uniqueIndex)\([^)]*\)\s*\.on\(([^)]*)\)|\bprimaryKey\(\s*\{\s*columns:\s*\[([^\]]*)\]/g)) {
    const fields = (m[1] ?? m[2]).split(',').map((f) => f.trim().replace(/^\w+\./, '')).filter(Boolean);
    if (fields.length) keys.push(fields);
  }
  return keys;
}

const update: OperationAnalyzer = (call) => {
  const table = tableName(arg(call, 0));
  const set = chainAfter(call).find((c) => c.name === 'set');
  const inc = !!set && /sql`[^`]*\$\{[^}]*\}\s*[+-]/.test(arg(set.call, 0)?.getText() ?? '');
  return writeFact('drizzle-orm', call, `update ${table ?? '?'}${inc ? ' (increment)' : ''}`, inc, table);
};

const del: OperationAnalyzer = (call) => writeFact('drizzle-orm', call, `delete from ${tableName(arg(call, 0)) ?? '?'}`, false, tableName(arg(call, 0)));

const select: OperationAnalyzer = (call) => {
  const from = chainAfter(call).find((c) => c.name === 'from');
  const table = from ? tableName(arg(from.call, 0)) : undefined;
  return { kind: isGuardTable(table) ? 'guard' : 'read', node: calleeName(call), library: 'drizzle-orm', detail: `select from ${table ?? '?'}`, table };
};

const transitions: Record<string, string> = {
  'drizzle.Db|transaction():param0': 'drizzle.Db',
  'drizzle.Db|$with()': 'drizzle.Db',
};
const operations: Record<string, OperationAnalyzer> = {
  'drizzle.Db|insert': insert,
  'drizzle.Db|update': update,
  'drizzle.Db|delete': del,
  'drizzle.Db|select': select,
  'drizzle.Db|selectDistinct': select,
  'drizzle.Db|execute': (call, a) => sqlFacts('drizzle-orm', call, arg(call, 0), a),
  'drizzle.Db|run': (call, a) => sqlFacts('drizzle-orm', call, arg(call, 0), a),
  'drizzle.Db|transaction': (call) => ({ kind: 'tx', node: calleeName(call), library: 'drizzle-orm', detail: 'transaction' }),
};
for (const [module, store] of Object.entries(DRIVERS)) {
  transitions[`${module}#drizzle|()`] = 'drizzle.Db';
  operations[`${module}#drizzle|()`] = (call) => {
    const first = arg(call, 0);
    // `drizzle(pool)` reuses a client already counted where it is built; a URL or `{ connection }` is a client of its own.
    if (first && Node.isIdentifier(first)) return undefined;
    return clientFact('drizzle-orm', call, store, first ? [first] : []);
  };
  for (const t of DB_TYPES) transitions[`${module}#${t}|instance`] = 'drizzle.Db';
}
for (const [module, types] of Object.entries(CORE_DB_TYPES)) for (const t of types) transitions[`${module}#${t}|instance`] = 'drizzle.Db';

export const drizzle: LibraryTable = { name: 'drizzle', transitions, operations };
