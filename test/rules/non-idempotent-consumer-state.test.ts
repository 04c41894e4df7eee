/**
 * non-idempotent-consumer and state machines: a handler that refuses to go on unless an entity is in
 * one state (`if (order.status !== 'READY') throw`), and then moves it to another, stops a redelivered
 * message at the check; so does one that refuses a state (`=== 'CANCELED'`) it then sets. A check the
 * flow never moves past (the state is not changed) guards nothing.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A kafkajs consumer whose handler (line 9) calls `handle(orderId)`, defined from line 13 on. */
const consumer = (...handle: string[]) => lines(
  "import { Kafka } from 'kafkajs';", //                                                                 1
  "import { Pool } from 'pg';", //                                                                       2
  '', //                                                                                                 3
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });', //                           4
  "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });", //        5
  '', //                                                                                                 6
  'export async function start() {', //                                                                  7
  '  await consumer.run({', //                                                                           8
  '    eachMessage: async ({ message }) => handle(message.key!.toString()),', //                         9
  '  });', //                                                                                           10
  '}', //                                                                                               11
  '', //                                                                                                12
  'async function handle(orderId: string) {', //                                                        13
  "  const order: { status: string } = (await pool.query('SELECT status FROM orders WHERE id = $1', [orderId])).rows[0];", // 14
  ...handle,
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'requires READY_FOR_PICKUP, then moves the order to PICKED_UP before logging the activity',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  if (order.status !== 'READY_FOR_PICKUP') throw new Error('not ready');",
          "  order.status = 'PICKED_UP';",
          "  await pool.query('UPDATE orders SET status = $2 WHERE id = $1', [orderId, order.status]);",
          "  await pool.query('INSERT INTO order_notes (order_id, note) VALUES ($1, $2)', [orderId, 'picked up']);",
        ),
      },
    },
    {
      name: 'refuses CANCELED, then cancels',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  if (order.status === 'CANCELED') return;",
          "  await pool.query('INSERT INTO order_notes (order_id, note) VALUES ($1, $2)', [orderId, 'canceled']);",
          "  const next = { status: 'CANCELED' };",
          "  await pool.query('UPDATE orders SET status = $2 WHERE id = $1', [orderId, next.status]);",
        ),
      },
    },
    {
      name: 'a state field named for its aspect (payment_status): returns when already completed, then completes it',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  const payment = order as unknown as { payment_status: string };",
          "  if (payment.payment_status === 'completed') return;",
          "  await pool.query('INSERT INTO invoices (order_id) VALUES ($1)', [orderId]);",
          "  const next = { payment_status: 'completed' };",
          "  await pool.query('UPDATE orders SET payment_status = $2 WHERE id = $1', [orderId, next.payment_status]);",
        ),
      },
    },
    {
      name: 'the update returns the state from before it, and the next step runs only when it was not already PAID',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  const updated: { previousStatus: string } = (await pool.query('UPDATE orders SET status = $2 WHERE id = $1 RETURNING (SELECT status FROM orders o WHERE o.id = $1) AS \"previousStatus\"', [orderId, 'PAID'])).rows[0];",
          "  if (updated.previousStatus !== 'PAID' && orderId) {",
          "    await fetch('http://shipping/orders', { method: 'POST', body: orderId });",
          '  }',
        ),
      },
    },
    {
      name: 'returns early when the prior state was already the target',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  const updated: { previousStatus: string } = (await pool.query('UPDATE orders SET status = $2 WHERE id = $1 RETURNING (SELECT status FROM orders o WHERE o.id = $1) AS \"previousStatus\"', [orderId, 'PAID'])).rows[0];",
          "  if (updated.previousStatus === 'PAID') return;",
          "  await fetch('http://shipping/orders', { method: 'POST', body: orderId });",
        ),
      },
    },
    {
      name: 'a one-time initialisation: the version row is created only while the order has no version, and the flow sets it',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  const row: { version?: number } = (await pool.query('SELECT version FROM orders WHERE id = $1', [orderId])).rows[0];",
          '  if (!row.version) {',
          "    await pool.query('INSERT INTO order_versions (order_id, version) VALUES ($1, 1)', [orderId]);",
          "    await pool.query('UPDATE orders SET version = 1 WHERE id = $1', [orderId]);",
          '  }',
        ),
      },
    },
    {
      name: 'returns when the invoice is already set, and the flow then sets it',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  const row: { invoiceId?: string } = (await pool.query('SELECT invoice_id AS \"invoiceId\" FROM orders WHERE id = $1', [orderId])).rows[0];",
          '  if (row.invoiceId) return;',
          "  const invoice = await fetch('http://billing/invoices', { method: 'POST', body: orderId }).then((r) => r.json());",
          '  row.invoiceId = invoice.id;',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'a field checked unset that the flow never sets guards nothing',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  const row: { note?: string } = (await pool.query('SELECT note FROM orders WHERE id = $1', [orderId])).rows[0];",
          '  if (!row.note) {',
          "    await fetch('http://audit/orders', { method: 'POST', body: orderId });",
          '  }',
        ),
      },
      errors: [{ messageId: 'unguarded', file: 'services/orders/src/consumer.ts', line: 9, column: 5 }],
    },
    {
      name: 'a prior-state check joined by || does not hold back a repeat',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  const updated: { previousStatus: string } = (await pool.query('UPDATE orders SET status = $2 WHERE id = $1 RETURNING (SELECT status FROM orders o WHERE o.id = $1) AS \"previousStatus\"', [orderId, 'PAID'])).rows[0];",
          "  if (updated.previousStatus !== 'PAID' || orderId) {",
          "    await fetch('http://shipping/orders', { method: 'POST', body: orderId });",
          '  }',
        ),
      },
      errors: [{ messageId: 'unguarded', file: 'services/orders/src/consumer.ts', line: 9, column: 5 }],
    },
    {
      name: 'a state check the flow never moves past guards nothing',
      files: {
        'services/orders/src/consumer.ts': consumer(
          "  if (order.status !== 'OPEN') throw new Error('closed');",
          "  await pool.query('INSERT INTO order_notes (order_id, note) VALUES ($1, $2)', [orderId, 'touched']);",
        ),
      },
      errors: [{ messageId: 'unguarded', file: 'services/orders/src/consumer.ts', line: 9, column: 5 }],
    },
  ],
});
