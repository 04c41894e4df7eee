/**
 * pg-promise: `pgPromise()(connection)` is a database; its query methods (and those of a `tx`/`task`
 * context) run the SQL of their first argument, also when `pgp.helpers.insert(...)` builds it.
 * A BullMQ backfill worker that queues its own next page after an idempotent update repeats a
 * run of the same work on a redelivery, not an effect.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const SETUP = [
  "import pgPromise from 'pg-promise';",
  "import { Kafka } from 'kafkajs';",
  '',
  'const pgp = pgPromise();',
  'const db = pgp(process.env.DATABASE_URL!);',
  "const kafka = new Kafka({ brokers: ['kafka:9092'] });",
  "const consumer = kafka.consumer({ groupId: 'billing' });",
  'const producer = kafka.producer();',
  "const columns = new pgp.helpers.ColumnSet(['order_id', 'amount'], { table: 'invoices' });",
  '',
];

const consumerOf = (body: string[]) => lines(
  ...SETUP,
  'export async function run() {',
  "  await consumer.subscribe({ topic: 'orders.placed' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      const order = JSON.parse(message.value!.toString());',
  ...body.map((l) => `      ${l}`),
  '    },',
  '  });',
  '}',
);

const HELPER_INSERT = consumerOf(['await db.none(pgp.helpers.insert({ order_id: order.id, amount: order.total }, columns));']);
const TX_INCREMENT = consumerOf([
  'await db.tx(async (t) => {',
  '  await t.none(`UPDATE customers SET order_count = order_count + 1 WHERE id = $/id/`, { id: order.customerId });',
  '});',
]);
const HELPER_IGNORE = consumerOf([
  "const query = pgp.helpers.insert({ order_id: order.id, amount: order.total }, columns) + ' ON CONFLICT DO NOTHING';",
  'await db.none(query);',
]);

const DUAL_WRITE = lines(
  ...SETUP,
  'export async function placeOrder(id: string, total: number) {',
  "  await db.one('INSERT INTO orders (id, total) VALUES ($1, $2) RETURNING id', [id, total]);",
  "  await producer.send({ topic: 'orders.placed', messages: [{ value: JSON.stringify({ id, total }) }] });",
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'an insert built by pgp.helpers with ON CONFLICT DO NOTHING appended', files: { 'services/billing/src/consumer.ts': HELPER_IGNORE } },
  ],
  invalid: [
    {
      name: 'an insert built by pgp.helpers.insert on a ColumnSet',
      files: { 'services/billing/src/consumer.ts': HELPER_INSERT },
      errors: [{ messageId: 'unguarded', ...at(HELPER_INSERT, 'eachMessage') }],
    },
    {
      name: 'an increment run on the context of db.tx',
      files: { 'services/billing/src/consumer.ts': TX_INCREMENT },
      errors: [{ messageId: 'unguarded', ...at(TX_INCREMENT, 'eachMessage') }],
    },
  ],
});

runRuleTests('dual-write', {
  valid: [],
  invalid: [{
    name: 'db.one INSERT then producer.send, no outbox',
    files: { 'services/orders/src/orders.ts': DUAL_WRITE },
    errors: [{ messageId: 'dualWrite', ...at(DUAL_WRITE, 'send(') }],
  }],
});

/** A backfill worker: an idempotent update of one page, then its own next page queued (a fresh job id each time). */
const backfill = (update: string) => lines(
  "import { Queue, Worker } from 'bullmq';",
  "import pgPromise from 'pg-promise';",
  '',
  'const db = pgPromise()(process.env.DATABASE_URL!);',
  "const QUEUE_NAME = 'backfill-created-at';",
  "export const queue = new Queue(QUEUE_NAME, { connection: { host: 'redis' } });",
  '',
  'export const worker = new Worker(QUEUE_NAME, async () => {',
  `  const results = await db.result(\`${update}\`);`,
  '  if (results.rowCount === 1000) {',
  "    await queue.add('next', {}, { delay: 1000 });",
  '  }',
  "}, { connection: { host: 'redis' } });",
);

const SET_MISSING = backfill('UPDATE fill_events SET created_at = to_timestamp(timestamp) WHERE id IN (SELECT id FROM fill_events WHERE created_at IS NULL LIMIT 1000)');
const COUNT_UP = backfill('UPDATE collections SET day_volume = day_volume + 1 WHERE id IN (SELECT id FROM collections LIMIT 1000)');

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'a worker that sets missing values and queues its own next page', files: { 'services/indexer/src/backfill.ts': SET_MISSING } },
  ],
  invalid: [
    {
      name: 'a worker that increments and queues its own next page: the increment repeats',
      files: { 'services/indexer/src/backfill.ts': COUNT_UP },
      errors: [{ messageId: 'unguarded', ...at(COUNT_UP, 'Worker(') }],
    },
  ],
});
