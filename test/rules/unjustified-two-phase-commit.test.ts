import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** pg: PREPARE TRANSACTION on line 7, COMMIT PREPARED on line 8 (one flow, one finding). */
const pgTransfer = lines(
  "import { Pool } from 'pg';",
  'const pool = new Pool({ connectionString: process.env.LEDGER_DATABASE_URL });',
  'export async function transfer(gid: string, amount: number) {',
  '  const client = await pool.connect();',
  "  await client.query('BEGIN');",
  "  await client.query('UPDATE accounts SET balance = balance - $1 WHERE id = 1', [amount]);",
  "  await client.query(`PREPARE TRANSACTION '${gid}'`);",
  "  await client.query(`COMMIT PREPARED '${gid}'`);",
  '  client.release();',
  '}',
);

/** Two pg pools, one transaction on each, committed one after the other (second COMMIT on line 14). */
const twoPools = lines(
  "import { Pool } from 'pg';",
  'const orders = new Pool({ connectionString: process.env.ORDERS_URL });',
  'const billing = new Pool({ connectionString: process.env.BILLING_URL });',
  'export async function placeOrder(id: string, total: number) {',
  '  const o = await orders.connect();',
  '  const b = await billing.connect();',
  '  try {',
  "    await o.query('BEGIN');",
  "    await b.query('BEGIN');",
  "    await o.query('INSERT INTO orders(id, total) VALUES ($1, $2)', [id, total]);",
  "    await b.query('INSERT INTO invoices(order_id, total) VALUES ($1, $2)', [id, total]);",
  "    await o.query('COMMIT');",
  '    // if the process dies here, the order exists without its invoice',
  "    await b.query('COMMIT');",
  '  } finally {',
  '    o.release();',
  '    b.release();',
  '  }',
  '}',
);

/** Knex: PREPARE TRANSACTION (line 3), COMMIT PREPARED (line 6) and ROLLBACK PREPARED (line 9), one helper each. */
const knexHelpers = lines(
  "import type { Knex } from 'knex';",
  'export const prepareTransaction = async (db: Knex, gid: string) => {',
  "  await db.raw(`PREPARE TRANSACTION '${gid}';`);",
  '};',
  'export const commitPreparedTransaction = async (db: Knex, gid: string) => {',
  "  await db.raw(`COMMIT PREPARED '${gid}';`);",
  '};',
  'export const rollbackPreparedTransaction = async (db: Knex, gid: string) => {',
  "  await db.raw(`ROLLBACK PREPARED '${gid}';`);",
  '};',
);

const decision = (...where: string[]) => lines(
  'decisions:',
  '  - flow: ledger-transfer',
  '    pattern: two-phase-commit',
  '    justification: "regulator requires atomic postings across both ledgers"',
  ...where.map((w) => `    ${w}`),
);

const ledgerServices = lines(
  'services:',
  '  ledger:',
  '    paths: [services/ledger]',
  '  orders:',
  '    paths: [services/orders]',
);

runRuleTests('unjustified-two-phase-commit', {
  valid: [
    {
      name: 'Prisma and Kysely over the same Postgres (a transaction on each): two clients of one database, not two datastores',
      files: {
        'app/prisma/schema.prisma': lines('datasource db {', '  provider = "postgresql"', '  url      = env("DATABASE_URL")', '}'),
        'app/src/server/db.ts': lines(
          "import { PrismaClient } from '@prisma/client';",
          "import { Kysely, PostgresDialect } from 'kysely';",
          "import { Pool } from 'pg';",
          'export const prisma = new PrismaClient();',
          'const getPool = (url: string) => new Pool({ connectionString: url });',
          'export const kysely = new Kysely<Record<string, never>>({ dialect: new PostgresDialect({ pool: getPool(process.env.DATABASE_URL!) }) });',
        ),
        'app/src/server/tasks/saveResults.ts': lines(
          "import { kysely, prisma } from '../db';",
          'export async function saveResults(id: string) {',
          "  await prisma.$transaction([prisma.nodeEntry.update({ where: { id }, data: { status: 'PROCESSED' } })]);",
          "  await kysely.transaction().execute(async (tx) => { await tx.insertInto('CachedResult').values({ id }).execute(); });",
          '}',
        ),
      },
    },
    {
      name: 'one local transaction on one pg client',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        'export async function pay(id: string) {',
        '  const client = await pool.connect();',
        "  await client.query('BEGIN');",
        "  await client.query('UPDATE orders SET paid = true WHERE id = $1', [id]);",
        "  await client.query('COMMIT');",
        '  client.release();',
        '}',
      ),
    },
    {
      name: 'two connections of the same pool are one datastore',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        'export async function archive(id: string) {',
        '  const a = await pool.connect();',
        '  const b = await pool.connect();',
        "  await a.query('BEGIN');",
        "  await a.query('INSERT INTO archive SELECT * FROM orders WHERE id = $1', [id]);",
        "  await a.query('COMMIT');",
        "  await b.query('BEGIN');",
        "  await b.query('DELETE FROM drafts WHERE order_id = $1', [id]);",
        "  await b.query('COMMIT');",
        '}',
      ),
    },
    {
      name: 'two pools on the same connection string are one datastore',
      code: lines(
        "import { Pool } from 'pg';",
        'const writer = new Pool({ connectionString: process.env.DATABASE_URL });',
        'const jobs = new Pool({ connectionString: process.env.DATABASE_URL });',
        'export async function enqueue(id: string) {',
        "  await writer.query('BEGIN');",
        "  await writer.query('UPDATE orders SET state = $2 WHERE id = $1', [id, 'queued']);",
        "  await writer.query('COMMIT');",
        "  await jobs.query('BEGIN');",
        "  await jobs.query('DELETE FROM pending WHERE id = $1', [id]);",
        "  await jobs.query('COMMIT');",
        '}',
      ),
    },
    {
      name: 'Prisma and pg on the same DATABASE_URL are one datastore',
      files: {
        'src/index.ts': lines(
          "import { PrismaClient } from '@prisma/client';",
          "import { Pool } from 'pg';",
          'const prisma = new PrismaClient();',
          'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
          'export async function close(id: string) {',
          "  await prisma.$transaction([prisma.order.update({ where: { id }, data: { state: 'closed' } })]);",
          "  await pool.query('BEGIN');",
          "  await pool.query('DELETE FROM carts WHERE order_id = $1', [id]);",
          "  await pool.query('COMMIT');",
          '}',
        ),
        'prisma/schema.prisma': lines(
          'datasource db {',
          '  provider = "postgresql"',
          '  url      = env("DATABASE_URL")',
          '}',
        ),
      },
    },
    {
      name: 'two pools committed in two different functions',
      code: lines(
        "import { Pool } from 'pg';",
        'const orders = new Pool({ connectionString: process.env.ORDERS_URL });',
        'const billing = new Pool({ connectionString: process.env.BILLING_URL });',
        "export async function a() { await orders.query('BEGIN'); await orders.query('COMMIT'); }",
        "export async function b() { await billing.query('BEGIN'); await billing.query('COMMIT'); }",
      ),
    },
    {
      name: 'a named prepared statement (PREPARE ... AS) is not PREPARE TRANSACTION',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        'export async function warm() {',
        "  await pool.query('PREPARE order_by_id (text) AS SELECT * FROM orders WHERE id = $1');",
        "  return pool.query('EXECUTE order_by_id($1)', ['o-1']);",
        '}',
      ),
    },
    {
      name: 'reading pg_prepared_xacts for monitoring is not 2PC',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        "export const stuck = () => pool.query('SELECT gid, prepared FROM pg_prepared_xacts');",
      ),
    },
    {
      name: 'the statement text in a constant that never reaches a database client',
      code: lines(
        "export const HELP = 'Never run PREPARE TRANSACTION or XA START from a request handler.';",
        'export function explain() { return HELP; }',
      ),
    },
    {
      name: "query() on the project's own object, not a database client",
      files: {
        'src/fakeDb.ts': lines(
          'export const db = { query: async (_sql: string) => [] as unknown[] };',
        ),
        'src/index.ts': lines(
          "import { db } from './fakeDb';",
          "export const run = (xid: string) => db.query(`XA START '${xid}'`);",
        ),
      },
    },
    {
      name: 'one Prisma $transaction on one client',
      code: lines(
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'export async function move(from: string, to: string) {',
        '  await prisma.$transaction([',
        '    prisma.account.update({ where: { id: from }, data: { balance: { decrement: 1 } } }),',
        '    prisma.account.update({ where: { id: to }, data: { balance: { increment: 1 } } }),',
        '  ]);',
        '}',
      ),
    },
    {
      name: 'justified by a decision naming the file',
      files: {
        'services/ledger/src/transfer.ts': pgTransfer,
        'architecture.yaml': decision('paths: [services/ledger/src/transfer.ts]'),
      },
    },
    {
      name: 'justified by a decision naming the folder',
      files: {
        'services/ledger/src/postings/transfer.ts': pgTransfer,
        'architecture.yaml': decision('paths: [services/ledger/src/postings]'),
      },
    },
    {
      name: 'justified by a decision with a glob',
      files: {
        'services/ledger/src/transfer.saga.ts': pgTransfer,
        'architecture.yaml': decision("paths: ['services/ledger/**/*.saga.ts']"),
      },
    },
    {
      name: 'justified by a decision naming the service',
      files: {
        'services/ledger/src/transfer.ts': pgTransfer,
        'architecture.yaml': ledgerServices + decision('services: [ledger]'),
      },
    },
    {
      name: 'a justified twoCommits flow',
      files: {
        'services/orders/src/place.ts': twoPools,
        'architecture.yaml': decision('paths: [services/orders/src/place.ts]'),
      },
    },
    {
      name: 'a type-only import of a distributed-transaction library (the caller is reported, not the type user)',
      code: lines(
        "import type { Tcc } from 'dtmcli';",
        'export const branch = (t: Tcc) => t;',
      ),
    },
    {
      name: 'a justified distributed-transaction library import',
      files: {
        'services/ledger/src/tcc.ts': lines(
          "import * as dtmcli from 'dtmcli';",
          'export const fire = (dtm: string) => dtmcli.tccGlobalTransaction(dtm, async () => undefined);',
        ),
        'architecture.yaml': ledgerServices + decision('services: [ledger]'),
      },
    },
  ],
  invalid: [
    {
      name: 'pg PREPARE TRANSACTION and COMMIT PREPARED in one flow: one finding at the PREPARE, the COMMIT related',
      code: pgTransfer,
      errors: [{ messageId: 'twoPhase', line: 7, column: 16, related: ['src/index.ts:8:16 COMMIT PREPARED of the same two-phase commit'] }],
    },
    {
      name: 'COMMIT and ROLLBACK PREPARED of a recovery module with no PREPARE: one finding at the first, the other related',
      code: lines(
        "import { Client } from 'pg';",
        'export async function resolveInDoubt(gid: string) {',
        '  const client = new Client({ connectionString: process.env.LEDGER_DATABASE_URL });',
        '  await client.connect();',
        "  await client.query(`COMMIT PREPARED '${gid}'`);",
        '}',
        'export async function abandon(gid: string) {',
        '  const client = new Client();',
        "  await client.query({ text: `ROLLBACK PREPARED '${gid}'` });",
        '}',
      ),
      errors: [{ messageId: 'twoPhase', line: 5, column: 16, related: ['src/index.ts:9:16 ROLLBACK PREPARED of the same two-phase commit'] }],
    },
    {
      name: 'mysql2 XA START / END / PREPARE / COMMIT',
      code: lines(
        "import mysql from 'mysql2/promise';",
        'const db = mysql.createPool({ uri: process.env.INVENTORY_DATABASE_URL });',
        'export async function reserve(xid: string, sku: string) {',
        '  const conn = await db.getConnection();',
        "  await conn.query(`XA START '${xid}'`);",
        "  await conn.execute('UPDATE stock SET reserved = reserved + 1 WHERE sku = ?', [sku]);",
        "  await conn.query(`XA END '${xid}'`);",
        "  await conn.query(`XA PREPARE '${xid}'`);",
        "  await conn.query(`XA COMMIT '${xid}'`);",
        '  conn.release();',
        '}',
      ),
      errors: [{
        messageId: 'twoPhase', line: 5, column: 14,
        related: [
          'src/index.ts:7:14 XA END of the same two-phase commit',
          'src/index.ts:8:14 XA PREPARE of the same two-phase commit',
          'src/index.ts:9:14 XA COMMIT of the same two-phase commit',
        ],
      }],
    },
    {
      name: 'TypeORM query runner running PREPARE TRANSACTION',
      code: lines(
        "import { DataSource } from 'typeorm';",
        "const ds = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });",
        'export async function prepare(gid: string) {',
        '  const qr = ds.createQueryRunner();',
        '  await qr.connect();',
        '  await qr.startTransaction();',
        "  await qr.query(`PREPARE TRANSACTION '${gid}'`);",
        '}',
      ),
      errors: [{ messageId: 'twoPhase', line: 7, column: 12 }],
    },
    {
      name: 'Prisma $executeRawUnsafe and $executeRaw tagged template',
      code: lines(
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'export async function prepare(gid: string) {',
        "  await prisma.$executeRawUnsafe(`PREPARE TRANSACTION '${gid}'`);",
        '}',
        'export async function commit(gid: string) {',
        '  await prisma.$executeRaw`COMMIT PREPARED ${gid}`;',
        '}',
      ),
      errors: [{ messageId: 'twoPhase', line: 4, column: 16, related: ['src/index.ts:7:16 COMMIT PREPARED of the same two-phase commit'] }],
    },
    {
      name: 'PREPARE, COMMIT PREPARED and ROLLBACK PREPARED in three helpers of one module: one finding at the PREPARE',
      files: {
        'src/shared/dbHelper.ts': knexHelpers,
      },
      errors: [{
        messageId: 'twoPhase', file: 'src/shared/dbHelper.ts', line: 3, column: 12,
        related: [
          'src/shared/dbHelper.ts:6:12 COMMIT PREPARED of the same two-phase commit',
          'src/shared/dbHelper.ts:9:12 ROLLBACK PREPARED of the same two-phase commit',
        ],
      }],
    },
    {
      name: 'a 2PC helper run by business flows through a wrapper: the flows are listed as the same two-phase commit run there',
      files: {
        'src/shared/dbHelper.ts': knexHelpers,
        'src/shared/command.ts': lines(
          "import type { Knex } from 'knex';",
          "import { prepareTransaction, commitPreparedTransaction } from './dbHelper';",
          'export async function acrossRegions(dbs: Knex[], gid: string) {',
          '  for (const db of dbs) await prepareTransaction(db, gid);',
          '  for (const db of dbs) await commitPreparedTransaction(db, gid);',
          '}',
        ),
        'src/users/resolvers.ts': lines(
          "import type { Knex } from 'knex';",
          "import { acrossRegions } from '../shared/command';",
          'export async function updateUser(dbs: Knex[], id: string) {',
          '  await acrossRegions(dbs, `user-${id}`);',
          '}',
        ),
      },
      errors: [{
        messageId: 'twoPhase', file: 'src/shared/dbHelper.ts', line: 3, column: 12,
        related: [
          'src/shared/command.ts:4:31 the same two-phase commit run here through `prepareTransaction`',
          'src/users/resolvers.ts:4:9 the same two-phase commit run here through `acrossRegions`',
          'src/shared/dbHelper.ts:6:12 COMMIT PREPARED of the same two-phase commit',
          'src/shared/dbHelper.ts:9:12 ROLLBACK PREPARED of the same two-phase commit',
        ],
      }],
    },
    {
      name: 'the PREPARE is the location even when the COMMIT PREPARED comes first in the file',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        "export const commit = (gid: string) => pool.query(`COMMIT PREPARED '${gid}'`);",
        "export const prepare = (gid: string) => pool.query(`PREPARE TRANSACTION '${gid}'`);",
      ),
      errors: [{ messageId: 'twoPhase', line: 4, column: 46, related: ['src/index.ts:3:45 COMMIT PREPARED of the same two-phase commit'] }],
    },
    {
      name: 'helpers in two modules that one flow calls are one mechanism',
      files: {
        'src/prepare.ts': lines(
          "import { Pool } from 'pg';",
          'const pool = new Pool();',
          "export const prepare = (gid: string) => pool.query(`PREPARE TRANSACTION '${gid}'`);",
        ),
        'src/finish.ts': lines(
          "import { Pool } from 'pg';",
          'const pool = new Pool();',
          "export const commit = (gid: string) => pool.query(`COMMIT PREPARED '${gid}'`);",
        ),
        'src/transfer.ts': lines(
          "import { prepare } from './prepare';",
          "import { commit } from './finish';",
          'export async function transfer(gid: string) {',
          '  await prepare(gid);',
          '  await commit(gid);',
          '}',
        ),
      },
      errors: [{ messageId: 'twoPhase', file: 'src/prepare.ts', line: 3, column: 46, related: ['src/transfer.ts:4:9 the same two-phase commit run here through `prepare`', 'src/finish.ts:3:45 COMMIT PREPARED of the same two-phase commit'] }],
    },
    {
      name: 'two unrelated 2PC implementations in two modules are two findings',
      files: {
        'src/ledger/dbHelper.ts': knexHelpers,
        'src/inventory/reserve.ts': lines(
          "import mysql from 'mysql2/promise';",
          'const db = mysql.createPool({ uri: process.env.INVENTORY_DATABASE_URL });',
          'export async function reserve(xid: string) {',
          "  await db.query(`XA START '${xid}'`);",
          "  await db.query(`XA END '${xid}'`);",
          '}',
          "export const finish = (xid: string) => db.query(`XA COMMIT '${xid}'`);",
        ),
      },
      errors: [
        {
          messageId: 'twoPhase', file: 'src/inventory/reserve.ts', line: 4, column: 12,
          related: ['src/inventory/reserve.ts:5:12 XA END of the same two-phase commit', 'src/inventory/reserve.ts:7:43 XA COMMIT of the same two-phase commit'],
        },
        {
          messageId: 'twoPhase', file: 'src/ledger/dbHelper.ts', line: 3, column: 12,
          related: ['src/ledger/dbHelper.ts:6:12 COMMIT PREPARED of the same two-phase commit', 'src/ledger/dbHelper.ts:9:12 ROLLBACK PREPARED of the same two-phase commit'],
        },
      ],
    },
    {
      name: 'SQL held in a constant',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        "const COMMIT_PREPARED = \"COMMIT PREPARED 'nightly'\";",
        'export const finish = () => pool.query(COMMIT_PREPARED);',
      ),
      errors: [{ messageId: 'twoPhase', line: 4, column: 34 }],
    },
    {
      name: 'one function committing on two pg pools',
      code: twoPools,
      errors: [{ messageId: 'twoCommits', line: 14, column: 13 }],
    },
    {
      name: 'two mysql2 pools committed in one flow',
      code: lines(
        "import mysql from 'mysql2/promise';",
        'const stock = mysql.createPool({ uri: process.env.STOCK_URL });',
        'const sales = mysql.createPool({ uri: process.env.SALES_URL });',
        'export async function sell(sku: string) {',
        "  await stock.query('START TRANSACTION');",
        "  await stock.query('UPDATE items SET qty = qty - 1 WHERE sku = ?', [sku]);",
        "  await sales.query('START TRANSACTION');",
        "  await sales.query('INSERT INTO sales(sku) VALUES (?)', [sku]);",
        "  await stock.query('COMMIT');",
        "  await sales.query('COMMIT');",
        '}',
      ),
      errors: [{ messageId: 'twoCommits', line: 10, column: 15 }],
    },
    {
      name: 'two Prisma clients, one $transaction each, in one flow',
      code: lines(
        "import { PrismaClient } from '@prisma/client';",
        "const orders = new PrismaClient({ datasources: { db: { url: process.env.ORDERS_URL } } });",
        "const billing = new PrismaClient({ datasources: { db: { url: process.env.BILLING_URL } } });",
        'export async function checkout(id: string) {',
        '  await orders.$transaction([orders.order.create({ data: { id } })]);',
        '  await billing.$transaction([billing.invoice.create({ data: { orderId: id } })]);',
        '}',
      ),
      errors: [{ messageId: 'twoCommits', line: 6, column: 17 }],
    },
    {
      name: 'nested TypeORM transactions on two data sources are one flow',
      code: lines(
        "import { DataSource } from 'typeorm';",
        "const ordersDb = new DataSource({ type: 'postgres', url: process.env.ORDERS_URL });",
        "const billingDb = new DataSource({ type: 'postgres', url: process.env.BILLING_URL });",
        'export async function checkout(order: { id: string }) {',
        '  await ordersDb.transaction(async (m) => {',
        "    await m.insert('orders', order);",
        '    await billingDb.transaction(async (b) => {',
        "      await b.insert('invoices', { orderId: order.id });",
        '    });',
        '  });',
        '}',
      ),
      errors: [{ messageId: 'twoCommits', line: 7, column: 21 }],
    },
    {
      name: 'TypeORM query runners of two data sources committed one after the other',
      code: lines(
        "import { DataSource } from 'typeorm';",
        "const ordersDb = new DataSource({ type: 'postgres', url: process.env.ORDERS_URL });",
        "const billingDb = new DataSource({ type: 'postgres', url: process.env.BILLING_URL });",
        'export async function checkout() {',
        '  const a = ordersDb.createQueryRunner();',
        '  const b = billingDb.createQueryRunner();',
        '  await a.startTransaction();',
        '  await b.startTransaction();',
        '  await a.commitTransaction();',
        '  await b.commitTransaction();',
        '}',
      ),
      errors: [{ messageId: 'twoCommits', line: 10, column: 11 }],
    },
    {
      name: 'MongoDB transactions on sessions of two clients',
      code: lines(
        "import { MongoClient } from 'mongodb';",
        'const orders = new MongoClient(process.env.ORDERS_MONGO_URL!);',
        'const billing = new MongoClient(process.env.BILLING_MONGO_URL!);',
        'export async function checkout(id: string) {',
        '  const s1 = orders.startSession();',
        '  const s2 = billing.startSession();',
        "  await s1.withTransaction(async () => { await orders.db().collection('orders').insertOne({ id }, { session: s1 }); });",
        "  await s2.withTransaction(async () => { await billing.db().collection('invoices').insertOne({ id }, { session: s2 }); });",
        '}',
      ),
      errors: [{ messageId: 'twoCommits', line: 8, column: 12 }],
    },
    {
      name: 'NestJS service with two injected data sources',
      code: lines(
        "import { DataSource } from 'typeorm';",
        'export class CheckoutService {',
        '  constructor(private readonly orders: DataSource, private readonly billing: DataSource) {}',
        '  async checkout(id: string) {',
        "    await this.orders.transaction(async (m) => { await m.insert('orders', { id }); });",
        "    await this.billing.transaction(async (m) => { await m.insert('invoices', { orderId: id }); });",
        '  }',
        '}',
      ),
      errors: [{ messageId: 'twoCommits', line: 6, column: 24 }],
    },
    {
      name: 'a distributed-transaction library import (dtmcli)',
      code: lines(
        "import * as dtmcli from 'dtmcli';",
        'export async function fire(dtm: string, svc: string) {',
        '  await dtmcli.tccGlobalTransaction(dtm, async (t: dtmcli.Tcc) => {',
        "    await t.callBranch({ amount: 30 }, svc + '/TransOutTry', svc + '/TransOutConfirm', svc + '/TransOutCancel');",
        '  });',
        '}',
      ),
      errors: [{ messageId: 'library', line: 1, column: 25 }],
    },
    {
      name: 'a distributed-transaction library through require()',
      files: {
        'src/index.js': lines(
          "const dtmcli = require('dtmcli');",
          'module.exports = (dtm) => dtmcli.tccGlobalTransaction(dtm, async () => undefined);',
        ),
      },
      errors: [{ messageId: 'library', line: 1, column: 24 }],
    },
    {
      name: 'a decision with an empty justification does not justify',
      files: {
        'services/ledger/src/transfer.ts': pgTransfer,
        'architecture.yaml': lines(
          'decisions:',
          '  - flow: ledger-transfer',
          '    pattern: two-phase-commit',
          '    justification: "   "',
          '    paths: [services/ledger]',
        ),
      },
      errors: [{ messageId: 'twoPhase', line: 7, column: 16 }],
    },
    {
      name: 'a decision without a justification does not justify',
      files: {
        'services/ledger/src/transfer.ts': pgTransfer,
        'architecture.yaml': lines(
          'decisions:',
          '  - flow: ledger-transfer',
          '    pattern: two-phase-commit',
          '    paths: [services/ledger]',
        ),
      },
      errors: [{ messageId: 'twoPhase', line: 7, column: 16 }],
    },
    {
      name: 'a decision about another pattern does not justify 2PC',
      files: {
        'services/ledger/src/transfer.ts': pgTransfer,
        'architecture.yaml': lines(
          'decisions:',
          '  - flow: ledger-transfer',
          '    pattern: distributed-lock',
          '    justification: "one transfer per account at a time"',
          '    paths: [services/ledger]',
        ),
      },
      errors: [{ messageId: 'twoPhase', line: 7, column: 16 }],
    },
    {
      name: 'a decision for another path or service does not justify this one',
      files: {
        'services/orders/src/place.ts': twoPools,
        'services/orders/src/transfer.ts': pgTransfer,
        'architecture.yaml': ledgerServices + decision('services: [ledger]'),
      },
      errors: [
        { messageId: 'twoCommits', file: 'services/orders/src/place.ts', line: 14, column: 13 },
        { messageId: 'twoPhase', file: 'services/orders/src/transfer.ts', line: 7, column: 16 },
      ],
    },
  ],
});
