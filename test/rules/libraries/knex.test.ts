/** Knex: query builders, `onConflict().ignore()/merge()`, increments, transactions. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const SETUP = [
  "import knexFactory from 'knex';",
  "import { Kafka } from 'kafkajs';",
  '',
  "const db = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL });",
  "const kafka = new Kafka({ brokers: ['kafka:9092'] });",
  "const consumer = kafka.consumer({ groupId: 'billing' });",
  'const producer = kafka.producer();',
  '',
];

const UNGUARDED = lines(
  ...SETUP,
  'export async function run() {',
  "  await consumer.subscribe({ topic: 'orders.placed' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      const order = JSON.parse(message.value!.toString());',
  "      await db('invoices').insert({ order_id: order.id, amount: order.total });",
  "      await db('customers').where({ id: order.customerId }).increment('order_count', 1);",
  '    },',
  '  });',
  '}',
);

const GUARDED = lines(
  ...SETUP,
  'export async function run() {',
  "  await consumer.subscribe({ topic: 'orders.placed' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      const order = JSON.parse(message.value!.toString());',
  '      await db.transaction(async (trx) => {',
  "        const fresh = await trx('processed_messages').insert({ message_id: order.eventId }).onConflict('message_id').ignore().returning('message_id');",
  '        if (!fresh.length) return;',
  "        await trx('invoices').insert({ order_id: order.id, amount: order.total });",
  '      });',
  '    },',
  '  });',
  '}',
);

const UPSERT = lines(
  ...SETUP,
  'export async function run() {',
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      const order = JSON.parse(message.value!.toString());',
  "      await db('invoices').insert({ order_id: order.id, amount: order.total }).onConflict('order_id').merge();",
  '    },',
  '  });',
  '}',
);

const DUAL_WRITE = lines(
  ...SETUP,
  'export async function placeOrder(total: number, correlationId: string) {',
  "  const [order] = await db('orders').insert({ total }).returning('*');",
  "  await producer.send({ topic: 'orders.placed', messages: [{ value: JSON.stringify(order), headers: { correlationId } }] });",
  '}',
);

const OUTBOX = lines(
  ...SETUP,
  'export async function placeOrder(total: number, correlationId: string) {',
  '  await db.transaction(async (trx) => {',
  "    const [order] = await trx('orders').insert({ total }).returning('*');",
  "    await trx('outbox').insert({ topic: 'orders.placed', payload: JSON.stringify(order), correlation_id: correlationId });",
  '  });',
  '}',
  '',
  'export async function relay() {',
  "  const rows = await db('outbox').select('*').where({ sent_at: null }).forUpdate().skipLocked().limit(100);",
  '  for (const row of rows) {',
  "    await producer.send({ topic: row.topic, messages: [{ value: row.payload, headers: { correlationId: row.correlation_id } }] });",
  "    await db('outbox').where({ id: row.id }).update({ sent_at: new Date() });",
  '  }',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'inbox row inserted with onConflict(message_id).ignore() in the same transaction', files: { 'services/billing/src/consumer.ts': GUARDED } },
    { name: 'insert ... onConflict(order_id).merge() is an upsert', files: { 'services/billing/src/consumer.ts': UPSERT } },
  ],
  invalid: [{
    name: 'plain insert and increment per delivery',
    files: { 'services/billing/src/consumer.ts': UNGUARDED },
    errors: [{ messageId: 'unguarded', ...at(UNGUARDED, 'eachMessage') }],
  }],
});

/** A repository whose Knex client is a constructor parameter property, called through a getter (`this.connection(TABLE)`). */
const REPOSITORY = lines(
  "import type { Knex } from 'knex';",
  "import { Kafka } from 'kafkajs';",
  '',
  "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();",
  '',
  'export class RequestRepository {',
  '  constructor(private readonly connection: Knex) {}',
  '  get table() {',
  "    return this.connection('request');",
  '  }',
  '  async create(cid: string) {',
  "    await this.table.insert({ cid }).onConflict('cid').ignore();",
  "    await producer.send({ topic: 'requests', messages: [{ value: cid }] });",
  '  }',
  '}',
);

runRuleTests('dual-write', {
  valid: [{ name: 'write and outbox row in one transaction, relay reading the outbox', files: { 'services/orders/src/orders.ts': OUTBOX } }],
  invalid: [{
    name: 'insert then producer.send, no outbox',
    files: { 'services/orders/src/orders.ts': DUAL_WRITE },
    errors: [{ messageId: 'dualWrite', ...at(DUAL_WRITE, 'send(') }],
  }, {
    name: 'a Knex client held in a field and called through a getter (`this.connection(table)`), then a send',
    files: { 'services/anchor/src/request-repository.ts': REPOSITORY },
    errors: [{ messageId: 'dualWrite', ...at(REPOSITORY, 'send(') }],
  }],
});

/** A daemon whose Knex client is a member its base class declares (`protected db: knex.Knex`), set through super(). */
const BASE_DAEMON = [
  "import type knex from 'knex';",
  '',
  'export abstract class Daemon {',
  '  protected db: knex.Knex;',
  '  constructor({ db }: { db: knex.Knex }) {',
  '    this.db = db;',
  '  }',
  '}',
  '',
].join('\n');

const SCHEDULER = [
  "import type knex from 'knex';",
  "import { Daemon } from './daemon';",
  '',
  'export class SchedulingDaemon extends Daemon {',
  '  constructor({ db }: { db: knex.Knex }) {',
  '    super({ db });',
  '  }',
  '  async run() {',
  '    await this.db.transaction(async (trx) => {',
  "      await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS lock_schedule', [5003001106]);",
  '    });',
  '  }',
  '}',
  '',
].join('\n');

runRuleTests('unjustified-distributed-lock', {
  valid: [],
  invalid: [
    {
      name: 'an advisory lock taken through a Knex member the base class declares (a destructured constructor parameter declares none)',
      files: { 'services/scheduler/src/daemon.ts': BASE_DAEMON, 'services/scheduler/src/scheduling.ts': SCHEDULER },
      errors: [{ messageId: 'databaseLock', file: 'services/scheduler/src/scheduling.ts', line: 10, column: 17 }],
    },
  ],
});
