/** Drizzle ORM: insert/update/delete/select builders, onConflictDoNothing guards, transactions. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const SCHEMA = lines(
  "import { pgTable, text, integer, unique } from 'drizzle-orm/pg-core';",
  '',
  "export const invoices = pgTable('invoices', { id: text('id').primaryKey(), orderId: text('order_id'), amount: integer('amount') });",
  "export const processedMessages = pgTable('processed_messages', { messageId: text('message_id').primaryKey() });",
  "export const counters = pgTable('counters', { name: text('name').primaryKey(), value: integer('value') });",
  "export const receipts = pgTable('receipts', { id: text('id').primaryKey(), eventId: text('event_id').unique(), note: text('note') });",
  "export const lines = pgTable('lines', { id: text('id').primaryKey(), orderId: text('order_id'), lineNo: integer('line_no') }, (t) => [unique().on(t.orderId, t.lineNo)]);",
);

const DB = lines(
  "import { drizzle } from 'drizzle-orm/node-postgres';",
  '',
  'export const db = drizzle(process.env.DATABASE_URL!);',
);

const CONSUMER = (body: string[]) => lines(
  "import { Worker } from 'bullmq';",
  "import { sql, eq } from 'drizzle-orm';",
  "import { db } from './db';",
  "import { invoices, processedMessages, counters, receipts, lines } from './schema';",
  '',
  "export const worker = new Worker('orders', async (job) => {",
  ...body,
  "}, { connection: { host: process.env.REDIS_HOST } });",
);

const UNGUARDED = CONSUMER([
  '  await db.insert(invoices).values({ id: crypto.randomUUID(), orderId: job.data.orderId, amount: job.data.total });',
]);

const INCREMENT = CONSUMER([
  "  await db.update(counters).set({ value: sql`${counters.value} + 1` }).where(eq(counters.name, 'orders'));",
]);

const GUARDED = CONSUMER([
  '  await db.transaction(async (tx) => {',
  '    const fresh = await tx.insert(processedMessages).values({ messageId: job.id! }).onConflictDoNothing({ target: processedMessages.messageId }).returning();',
  '    if (!fresh.length) return;',
  '    await tx.insert(invoices).values({ id: crypto.randomUUID(), orderId: job.data.orderId, amount: job.data.total });',
  '  });',
]);

const UPSERT = CONSUMER([
  '  await db.insert(invoices).values({ id: job.data.orderId, orderId: job.data.orderId, amount: job.data.total })',
  '    .onConflictDoUpdate({ target: invoices.id, set: { amount: job.data.total } });',
]);

/** Inserts that set a key the table declares from the job: its primary key, a unique column, a compound unique. */
const KEYED = CONSUMER([
  '  await db.insert(invoices).values({ id: job.data.invoiceId, orderId: job.data.orderId, amount: job.data.total });',
  '  await db.insert(receipts).values({ id: crypto.randomUUID(), eventId: job.data.eventId });',
  '  await db.insert(lines).values({ id: crypto.randomUUID(), orderId: job.data.orderId, lineNo: job.data.lineNo });',
]);

/** A compound unique key only partly given. */
const PARTLY_KEYED = CONSUMER([
  '  await db.insert(lines).values({ id: crypto.randomUUID(), orderId: job.data.orderId });',
]);

const files = (consumer: string) => ({ 'services/billing/src/schema.ts': SCHEMA, 'services/billing/src/db.ts': DB, 'services/billing/src/worker.ts': consumer });

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'processed_messages insert with onConflictDoNothing in the same transaction', files: files(GUARDED) },
    { name: 'insert ... onConflictDoUpdate keyed on the order id', files: files(UPSERT) },
    { name: 'inserts that set the primary key, a .unique() column or every column of unique().on(...) from the job', files: files(KEYED) },
  ],
  invalid: [
    {
      name: 'BullMQ worker inserting an invoice with a fresh id per job',
      files: files(UNGUARDED),
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/worker.ts', ...at(UNGUARDED, 'Worker(') }],
    },
    {
      name: 'update ... set(value + 1) is an increment',
      files: files(INCREMENT),
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/worker.ts', ...at(INCREMENT, 'Worker(') }],
    },
    {
      name: 'a compound unique key only partly given',
      files: files(PARTLY_KEYED),
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/worker.ts', ...at(PARTLY_KEYED, 'Worker('), messageIncludes: 'writes `insert into lines`' }],
    },
  ],
});
