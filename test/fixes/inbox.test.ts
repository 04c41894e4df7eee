/**
 * non-idempotent-consumer: "Guard with an inbox" on each library shape. The
 * side-effect statements run inside withInbox (a generated pg helper) keyed
 * on the identity the library provides; pool writes move onto the inbox
 * transaction; the inbox migration is added only when the service has no
 * inbox table. The result type-checks, the finding is gone, nothing new
 * appears, and no user line is lost.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzeWithFixes, applyEdits, checkFix, lines, removeWorkspace, typeCheck, writeWorkspace } from './helpers';

const RULE = 'non-idempotent-consumer';
const MIGRATION = 'CREATE TABLE invoices (order_id text PRIMARY KEY, amount integer NOT NULL);\n';

describe('fix: guard with an inbox', () => {
  test('kafkajs eachMessage writing on a module pool: the write is wrapped, the write joins the inbox transaction, topic/partition destructured, migration and helper added', () => {
    const { root, changed, fix } = checkFix({
      name: 'kafka', ruleId: RULE,
      files: {
        'services/billing/package.json': '{ "name": "billing" }',
        'services/billing/migrations/001_invoices.sql': MIGRATION,
        'services/billing/src/consumer.ts': lines(
          "import { Kafka } from 'kafkajs';",
          "import { Pool } from 'pg';",
          '',
          'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
          "const consumer = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });",
          '',
          'export async function start(): Promise<void> {',
          "  await consumer.subscribe({ topic: 'order.placed' });",
          '  await consumer.run({',
          '    eachMessage: async ({ message }) => {',
          "      const event = JSON.parse(message.value?.toString() ?? '{}') as { orderId: string; total: number };",
          "      console.log('invoicing', event.orderId);",
          "      await pool.query('INSERT INTO invoices (order_id, amount) VALUES ($1, $2)', [event.orderId, event.total]);",
          '    },',
          '  });',
          '}',
        ),
      },
      title: 'Guard with an inbox (dedupe on message-id header, else topic:partition:offset)',
      rewrites: ["await pool.query('INSERT INTO invoices", 'eachMessage: async ({ message }) => {'],
      keeps: ["tx.query('INSERT INTO invoices (order_id, amount) VALUES ($1, $2)', [event.orderId, event.total]);"],
    });
    const code = changed['services/billing/src/consumer.ts'];
    assert.ok(code.includes("import { withInbox } from './inbox';"), code);
    assert.ok(code.includes('eachMessage: async ({ message, topic, partition }) => {'), code);
    assert.ok(code.includes([
      "      console.log('invoicing', event.orderId);",
      "      await withInbox(pool, 'order.placed', message.headers?.['message-id']?.toString() ?? `${topic}:${partition}:${message.offset}`, async (tx) => {",
      "        await tx.query('INSERT INTO invoices (order_id, amount) VALUES ($1, $2)', [event.orderId, event.total]);",
      '      });',
      '    },',
    ].join('\n')), code);
    assert.ok(changed['services/billing/migrations/002_inbox.sql'].includes('PRIMARY KEY (consumer, message_id)'));
    assert.ok(changed['services/billing/src/inbox.ts'].includes("'INSERT INTO inbox (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING'"));
    assert.equal(fix.isPreferred, true);
    removeWorkspace(root);
  });

  test('amqplib consumer with ack/nack: only the work is wrapped (a duplicate is still acked), the existing inbox table and its columns are used', () => {
    const { root, changed } = checkFix({
      name: 'amqp', ruleId: RULE,
      files: {
        'services/inventory/package.json': '{ "name": "inventory" }',
        'services/inventory/migrations/001_stock_and_inbox.sql': lines(
          'CREATE TABLE stock (sku text PRIMARY KEY, qty integer NOT NULL);',
          'CREATE TABLE inbox (',
          '  message_id  text        PRIMARY KEY,',
          '  source      text        NOT NULL,',
          '  received_at timestamptz NOT NULL DEFAULT now()',
          ');',
        ),
        'services/inventory/src/stock.ts': lines(
          "import type { Pool } from 'pg';",
          'export async function decrement(pool: Pool, sku: string, qty: number): Promise<void> {',
          "  await pool.query('UPDATE stock SET qty = qty - $1 WHERE sku = $2', [qty, sku]);",
          '}',
        ),
        'services/inventory/src/consumer.ts': lines(
          "import type { ChannelModel, ConsumeMessage } from 'amqplib';",
          "import type { Pool } from 'pg';",
          "import { decrement } from './stock';",
          '',
          'export async function startConsumer(connection: ChannelModel, pool: Pool): Promise<void> {',
          '  const channel = await connection.createChannel();',
          "  await channel.consume('inventory.reserve', async (msg: ConsumeMessage | null) => {",
          '    if (!msg) return;',
          '    try {',
          '      const command = JSON.parse(msg.content.toString()) as { sku: string; qty: number };',
          '      await decrement(pool, command.sku, command.qty);',
          '      channel.ack(msg);',
          '    } catch (err) {',
          "      console.error('reserve failed, requeueing', err);",
          '      channel.nack(msg, false, true);',
          '    }',
          '  });',
          '}',
        ),
      },
      title: 'Guard with an inbox (dedupe on AMQP messageId property)',
    });
    const code = changed['services/inventory/src/consumer.ts'];
    assert.ok(code.includes([
      '    try {',
      '      const command = JSON.parse(msg.content.toString()) as { sku: string; qty: number };',
      "      await withInbox(pool, 'inventory.reserve', msg.properties.messageId, async () => {",
      '        await decrement(pool, command.sku, command.qty);',
      '      });',
      '      channel.ack(msg);',
    ].join('\n')), code);
    assert.ok(!Object.keys(changed).some((f) => f.endsWith('.sql')), 'no migration: the service has an inbox table');
    assert.ok(changed['services/inventory/src/inbox.ts'].includes("'INSERT INTO inbox (source, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING'"));
    removeWorkspace(root);
  });

  test('sqs-consumer handleMessage: dedupe on the SQS MessageId', () => {
    const { root, changed } = checkFix({
      name: 'sqs', ruleId: RULE,
      files: {
        'src/worker.ts': lines(
          "import { Consumer } from 'sqs-consumer';",
          "import { Pool } from 'pg';",
          'const pool = new Pool();',
          'export const app = Consumer.create({',
          "  queueUrl: 'https://sqs.eu-west-1.amazonaws.com/1/shipments',",
          '  handleMessage: async (message) => {',
          "    const body = JSON.parse(message.Body ?? '{}') as { orderId: string };",
          "    await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [body.orderId]);",
          '  },',
          '});',
        ),
      },
      title: 'Guard with an inbox (dedupe on SQS MessageId)',
      rewrites: ["await pool.query('INSERT INTO shipments"],
    });
    assert.ok(changed['src/worker.ts'].includes("await withInbox(pool, 'https://sqs.eu-west-1.amazonaws.com/1/shipments', message.MessageId, async (tx) => {"), changed['src/worker.ts']);
    assert.ok(changed['migrations/001_inbox.sql']);
    removeWorkspace(root);
  });

  test('BullMQ worker: dedupe on the job id', () => {
    const { root, changed } = checkFix({
      name: 'bullmq', ruleId: RULE,
      files: {
        'src/worker.ts': lines(
          "import { Worker } from 'bullmq';",
          "import { Pool } from 'pg';",
          'const pool = new Pool();',
          "export const worker = new Worker('emails', async (job) => {",
          "  await pool.query('INSERT INTO sent_emails (address) VALUES ($1)', [job.data.to]);",
          '});',
        ),
      },
      title: 'Guard with an inbox (dedupe on BullMQ job id)',
      rewrites: ["await pool.query('INSERT INTO sent_emails"],
    });
    assert.ok(changed['src/worker.ts'].includes("await withInbox(pool, 'emails', job.id, async (tx) => {"), changed['src/worker.ts']);
    removeWorkspace(root);
  });

  test('NestJS @EventPattern with a messageId in the payload and an injected pool: this.pool writes join the transaction', () => {
    const { root, changed } = checkFix({
      name: 'nest', ruleId: RULE,
      files: {
        'src/orders.controller.ts': lines(
          "import { Controller } from '@nestjs/common';",
          "import { EventPattern, Payload } from '@nestjs/microservices';",
          "import { Pool } from 'pg';",
          '',
          'interface PaymentCompleted {',
          '  messageId: string;',
          '  orderId: string;',
          '}',
          '',
          '@Controller()',
          'export class OrdersController {',
          '  constructor(private readonly pool: Pool) {}',
          '',
          "  @EventPattern('payment.completed')",
          '  async paid(@Payload() event: PaymentCompleted): Promise<void> {',
          "    await this.pool.query('UPDATE orders SET paid_count = paid_count + 1 WHERE id = $1', [event.orderId]);",
          '  }',
          '}',
        ),
      },
      title: 'Guard with an inbox (dedupe on messageId of the payload)',
      rewrites: ["await this.pool.query('UPDATE orders"],
    });
    assert.ok(changed['src/orders.controller.ts'].includes([
      "    await withInbox(this.pool, 'payment.completed', event.messageId, async (tx) => {",
      "      await tx.query('UPDATE orders SET paid_count = paid_count + 1 WHERE id = $1', [event.orderId]);",
      '    });',
    ].join('\n')), changed['src/orders.controller.ts']);
    removeWorkspace(root);
  });

  test('a second consumer in the service reuses the helper module the first fix created', () => {
    const files = {
      'src/a.ts': lines(
        "import { Worker } from 'bullmq';",
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        "export const a = new Worker('a', async (job) => {",
        "  await pool.query('INSERT INTO a_rows (v) VALUES ($1)', [job.data.v]);",
        '});',
      ),
      'src/b.ts': lines(
        "import { Worker } from 'bullmq';",
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        "export const b = new Worker('b', async (job) => {",
        "  await pool.query('INSERT INTO b_rows (v) VALUES ($1)', [job.data.v]);",
        '});',
      ),
    };
    const root = writeWorkspace(files);
    const first = analyzeWithFixes(root).find((f) => f.ruleId === RULE && f.location.file === 'src/a.ts')!;
    applyEdits(root, first.fixes![0].edits);
    const second = analyzeWithFixes(root).find((f) => f.ruleId === RULE && f.location.file === 'src/b.ts')!;
    const fix = second.fixes![0];
    assert.deepEqual([...new Set(fix.edits.map((e) => e.file))], ['src/b.ts'], 'no new helper or migration');
    applyEdits(root, fix.edits);
    assert.deepEqual(typeCheck(root), []);
    assert.deepEqual(analyzeWithFixes(root).filter((f) => f.ruleId === RULE), []);
    assert.ok(fs.readFileSync(path.join(root, 'src/b.ts'), 'utf8').includes("import { withInbox } from './inbox';"));
    removeWorkspace(root);
  });

  test('not offered where the fix cannot produce working code: no pg pool, a return value, an inbox table with a column it cannot fill', () => {
    const cases: Record<string, string>[] = [
      {
        'src/mongo.ts': lines(
          "import { Worker } from 'bullmq';",
          "import { MongoClient } from 'mongodb';",
          'const orders = new MongoClient(process.env.MONGO_URL!).db().collection(\'orders\');',
          "export const w = new Worker('w', async (job) => {",
          '  await orders.insertOne({ id: job.data.id });',
          '});',
        ),
      },
      {
        'src/returns.ts': lines(
          "import { Worker } from 'bullmq';",
          "import { Pool } from 'pg';",
          'const pool = new Pool();',
          "export const w = new Worker('w', async (job) => {",
          "  const res = await pool.query('INSERT INTO rows (v) VALUES ($1) RETURNING id', [job.data.v]);",
          '  return res.rows[0];',
          '});',
        ),
      },
      {
        'migrations/001.sql': 'CREATE TABLE processed_messages (message_id text PRIMARY KEY, handler text NOT NULL, checksum text NOT NULL);\n',
        'src/w.ts': lines(
          "import { Worker } from 'bullmq';",
          "import { Pool } from 'pg';",
          'const pool = new Pool();',
          "export const w = new Worker('w', async (job) => {",
          "  await pool.query('INSERT INTO rows (v) VALUES ($1)', [job.data.v]);",
          '});',
        ),
      },
    ];
    for (const files of cases) {
      const root = writeWorkspace(files);
      const finding = analyzeWithFixes(root).find((f) => f.ruleId === RULE);
      assert.ok(finding, Object.keys(files).join());
      assert.deepEqual(finding.fixes, [], Object.keys(files).join());
      removeWorkspace(root);
    }
  });
});
