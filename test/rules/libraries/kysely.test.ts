/** Kysely: insertInto/updateTable/deleteFrom/selectFrom builders, onConflict guards and upserts, transactions. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const DB = lines(
  "import { Kysely, PostgresDialect } from 'kysely';",
  "import pg from 'pg';",
  '',
  'export const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: process.env.DATABASE_URL }) }) });',
);

const CONSUMER = (body: string[]) => lines(
  "import { Worker } from 'bullmq';",
  "import { sql } from 'kysely';",
  "import { db } from './db';",
  '',
  "export const worker = new Worker('orders', async (job) => {",
  ...body,
  "}, { connection: { host: process.env.REDIS_HOST } });",
);

const UNGUARDED = CONSUMER([
  "  await db.insertInto('invoices').values({ id: crypto.randomUUID(), order_id: job.data.orderId, amount: job.data.total }).execute();",
]);

const INCREMENT = CONSUMER([
  "  await db.updateTable('counters').set((eb) => ({ value: eb('value', '+', 1) })).where('name', '=', 'orders').execute();",
]);

const GUARDED = CONSUMER([
  '  await db.transaction().execute(async (trx) => {',
  "    const fresh = await trx.insertInto('processed_messages').values({ message_id: job.id! })",
  "      .onConflict((oc) => oc.column('message_id').doNothing()).returningAll().executeTakeFirst();",
  '    if (!fresh) return;',
  "    await trx.insertInto('invoices').values({ id: crypto.randomUUID(), order_id: job.data.orderId, amount: job.data.total }).execute();",
  '  });',
]);

const UPSERT = CONSUMER([
  "  await db.insertInto('invoices').values({ id: job.data.orderId, order_id: job.data.orderId, amount: job.data.total })",
  "    .onConflict((oc) => oc.column('id').doUpdateSet({ amount: job.data.total })).execute();",
]);

const SETUP = [
  "import { Kafka } from 'kafkajs';",
  "import { db } from './db';",
  '',
  "const producer = new Kafka({ clientId: 'orders', brokers: [process.env.KAFKA_BROKER!] }).producer();",
  '',
];

const DUAL_WRITE = lines(
  ...SETUP,
  'export async function placeOrder(total: number, correlationId: string) {',
  "  const order = await db.insertInto('orders').values({ total }).returningAll().executeTakeFirstOrThrow();",
  "  await producer.send({ topic: 'orders.placed', messages: [{ value: JSON.stringify(order), headers: { correlationId } }] });",
  '}',
);

const OUTBOX = lines(
  ...SETUP,
  'export async function placeOrder(total: number, correlationId: string) {',
  '  await db.transaction().execute(async (trx) => {',
  "    const order = await trx.insertInto('orders').values({ total }).returningAll().executeTakeFirstOrThrow();",
  "    await trx.insertInto('outbox').values({ topic: 'orders.placed', payload: JSON.stringify(order), correlation_id: correlationId }).execute();",
  '  });',
  '}',
);

const files = (consumer: string) => ({ 'services/billing/src/db.ts': DB, 'services/billing/src/worker.ts': consumer });

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'processed_messages insert with onConflict(doNothing) in the same transaction', files: files(GUARDED) },
    { name: 'insert ... onConflict(doUpdateSet) keyed on the order id is an upsert', files: files(UPSERT) },
  ],
  invalid: [
    {
      name: 'BullMQ worker inserting an invoice with a fresh id per job',
      files: files(UNGUARDED),
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/worker.ts', ...at(UNGUARDED, 'Worker('), messageIncludes: 'writes `insert into invoices`' }],
    },
    {
      name: "set((eb) => ({ value: eb('value', '+', 1) })) is an increment",
      files: files(INCREMENT),
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/worker.ts', ...at(INCREMENT, 'Worker('), messageIncludes: 'update counters (increment)' }],
    },
  ],
});

runRuleTests('dual-write', {
  valid: [{ name: 'order and outbox row in one Kysely transaction', files: { 'services/orders/src/db.ts': DB, 'services/orders/src/orders.ts': OUTBOX } }],
  invalid: [{
    name: 'insertInto then producer.send, no outbox',
    files: { 'services/orders/src/db.ts': DB, 'services/orders/src/orders.ts': DUAL_WRITE },
    errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.ts', ...at(DUAL_WRITE, 'send('), messageIncludes: 'insert into orders' }],
  }],
});
