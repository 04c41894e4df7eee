/**
 * dual-write and callees that are flows of their own: a function that writes and
 * publishes is the flow and is reported once; a caller that makes an unrelated
 * write before calling it is not paired with the callee's event, nor is the callee's
 * write paired with an unrelated publish the caller makes after it, nor a callee's publish
 * (made after data work of its own) with a write the caller makes after the call returns.
 * Route handlers registered by a function (`app.post(path, handler)`) are flows of their own:
 * registering them runs neither; a stream listener (`.on('data', ...)`) runs within its flow.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** Lines 1-6: a pg pool and a kafkajs producer. */
const CLIENTS = [
  "import { Kafka } from 'kafkajs';", //                                                              1
  "import { Pool } from 'pg';", //                                                                    2
  '', //                                                                                             3
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });', //                        4
  "const producer = new Kafka({ clientId: 'delivery', brokers: ['kafka:9092'] }).producer();", //     5
  '', //                                                                                             6
];

/** Lines 1-9: the clients, and a thin helper that only publishes (lines 7-9). */
const ANNOUNCE = [
  ...CLIENTS,
  'async function announce(id: string) {', //                                                          7
  "  await producer.send({ topic: 'delivery.cancelled', messages: [{ key: id, value: JSON.stringify({ id }) }] });", // 8
  '}', //                                                                                            9
];

const SETUP = [
  ...CLIENTS,
  'export async function assignRider(orderId: string, riderId: string) {', //                         7
  "  const { rows } = await pool.query('INSERT INTO deliveries (order_id, rider_id) VALUES ($1, $2) RETURNING id', [orderId, riderId]);", // 8
  "  await producer.send({ topic: 'delivery.assigned', messages: [{ key: orderId, value: JSON.stringify({ id: rows[0].id }) }] });", // 9
  '}', //                                                                                            10
  '', //                                                                                             11
];

/** Two route modules that register handlers, and the function that registers both (Fastify style). */
const ROUTES = {
  'services/api/src/routes/buy.ts': lines(
    "import type { FastifyInstance } from 'fastify';",
    "import { Kafka } from 'kafkajs';",
    "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();",
    'export default function buyRoute(app: FastifyInstance) {',
    "  app.post('/buy', async (req) => {",
    "    await producer.send({ topic: 'orders.queued', messages: [{ value: JSON.stringify(req.body) }] });",
    '  });',
    '}',
  ),
  'services/api/src/routes/confirm.ts': lines(
    "import type { FastifyInstance } from 'fastify';",
    "import { Pool } from 'pg';",
    'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
    'export default function confirmRoute(app: FastifyInstance) {',
    "  app.post('/confirm', async (req) => {",
    "    await pool.query('UPDATE orders SET confirmed = true WHERE id = $1', [(req.body as { id: string }).id]);",
    '  });',
    '}',
  ),
  'services/api/src/routes/index.ts': lines(
    "import type { FastifyInstance } from 'fastify';",
    "import buyRoute from './buy';",
    "import confirmRoute from './confirm';",
    'export async function ordersRoutes(app: FastifyInstance) {',
    '  buyRoute(app);',
    '  confirmRoute(app);',
    '}',
  ),
};

runRuleTests('dual-write', {
  valid: [
    { name: 'a function that registers one route handler that publishes and another that writes runs neither', files: ROUTES },
    {
      name: 'a callee whose only write is in a catch that rethrows never returns to the caller\'s later publish',
      files: {
        'services/status/src/lists.ts': lines(
          ...CLIENTS,
          'async function allocate(listId: string) {', //                                                    7
          '  try {', //                                                                                      8
          '    return JSON.parse(listId) as number;', //                                                     9
          '  } catch (error) {', //                                                                          10
          "    await pool.query('UPDATE status_lists SET active = false WHERE id = $1', [listId]);", //       11
          '    throw error;', //                                                                             12
          '  }', //                                                                                          13
          '}', //                                                                                            14
          'export async function issue(listId: string) {', //                                                15
          '  const index = await allocate(listId);', //                                                      16
          "  await producer.send({ topic: 'credentials.issued', messages: [{ value: JSON.stringify({ listId, index }) }] });", // 17
          '}',
        ),
      },
    },
    {
      name: 'a callee that reads and publishes, then a write of the caller after the call returns: the event announces the callee\'s work',
      files: {
        'services/delivery/src/delivery.ts': lines(
          ...CLIENTS,
          'async function announceRider(riderId: string) {', //                                                7
          "  const { rows } = await pool.query('SELECT name FROM riders WHERE id = $1', [riderId]);", //       8
          "  await producer.send({ topic: 'rider.online', messages: [{ key: riderId, value: rows[0].name }] });", // 9
          '}', //                                                                                            10
          'export async function goOnline(riderId: string) {', //                                             11
          '  await announceRider(riderId);', //                                                               12
          "  await pool.query('UPDATE riders SET last_seen = now() WHERE id = $1', [riderId]);", //          13
          '}',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'a stream listener runs within the job that reads the stream: its write and the job\'s publish are one flow',
      files: {
        'services/imports/src/import.ts': lines(
          ...CLIENTS,
          "import { createReadStream } from 'node:fs';", //                                                    7
          'export async function importFile(path: string) {', //                                              8
          '  await new Promise<void>((resolve) => {', //                                                      9
          "    createReadStream(path).on('data', async (chunk) => {", //                                        10
          "      await pool.query('INSERT INTO customers (row) VALUES ($1)', [chunk.toString()]);", //           11
          "    }).on('end', () => resolve());", //                                                              12
          '  });', //                                                                                         13
          "  await producer.send({ topic: 'imports.done', messages: [{ value: path }] });", //                 14
          '}',
        ),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/imports/src/import.ts', line: 14, column: 18 }],
    },
    {
      name: 'a thin publish helper called before the caller\'s write: the event goes out before the change is saved',
      files: {
        'services/delivery/src/delivery.ts': lines(
          ...ANNOUNCE,
          'export async function cancel(deliveryId: string) {', //                                            10
          '  await announce(deliveryId);', //                                                                 11
          "  await pool.query(\"UPDATE deliveries SET status = 'cancelled' WHERE id = $1\", [deliveryId]);", // 12
          '}',
        ),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/delivery/src/delivery.ts', line: 11, column: 9 }],
    },
    {
      name: 'a caller cancels a row, then calls a callee that writes and publishes: one finding, in the callee',
      files: {
        'services/delivery/src/delivery.ts': lines(
          ...SETUP,
          'export async function reassign(deliveryId: string, orderId: string, riderId: string) {', //       12
          "  await pool.query(\"UPDATE deliveries SET status = 'cancelled' WHERE id = $1\", [deliveryId]);", // 13
          '  await assignRider(orderId, riderId);', //                                                        14
          '}',
        ),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/delivery/src/delivery.ts', line: 9, column: 18 }],
    },
    {
      name: 'a callee that writes and publishes, then an unrelated publish of the caller: the callee\'s write is not paired again',
      files: {
        'services/delivery/src/delivery.ts': lines(
          ...SETUP,
          'export async function track(orderId: string, riderId: string, point: string) {', //                12
          '  await assignRider(orderId, riderId);', //                                                        13
          "  await producer.send({ topic: 'rider.positions', messages: [{ key: riderId, value: point }] });", // 14
          '}',
        ),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/delivery/src/delivery.ts', line: 9, column: 18 }],
    },
    {
      name: 'a caller writes, then publishes through a callee that only publishes: the caller is the flow',
      files: {
        'services/delivery/src/delivery.ts': lines(
          ...ANNOUNCE,
          'export async function cancel(deliveryId: string) {', //                                            10
          "  await pool.query(\"UPDATE deliveries SET status = 'cancelled' WHERE id = $1\", [deliveryId]);", // 11
          '  await announce(deliveryId);', //                                                                 12
          '}',
        ),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/delivery/src/delivery.ts', line: 12, column: 9 }],
    },
    {
      name: 'after one write, either branch sends an e-mail job through a base class method whose queue is a parameter: one finding, the other branch related',
      files: {
        'services/users/src/users.ts': lines(
          "import { Queue } from 'bullmq';", //                                                                   1
          "import { Pool } from 'pg';", //                                                                        2
          'const pool = new Pool({ connectionString: process.env.DATABASE_URL });', //                            3
          'abstract class Email {', //                                                                            4
          '  constructor(private readonly data: { userId: string }) {}', //                                      5
          "  async sendLater(queue: Queue) { await queue.add('send', this.data); }", //                          6
          '}', //                                                                                                 7
          'class ApprovedEmail extends Email {}', //                                                              8
          'class RejectedEmail extends Email {}', //                                                              9
          'export async function decide(queue: Queue, userId: string, approved: boolean) {', //                 10
          "  await pool.query('UPDATE users SET decided = true WHERE id = $1', [userId]);", //                    11
          '  if (approved) await new ApprovedEmail({ userId }).sendLater(queue);', //                            12
          '  else await new RejectedEmail({ userId }).sendLater(queue);', //                                      13
          '}',
        ),
      },
      errors: [{
        messageId: 'dualWrite', file: 'services/users/src/users.ts', line: 12, column: 53,
        related: [
          "services/users/src/users.ts:11:14 the datastore write: UPDATE users",
          'services/users/src/users.ts:6:47 the publish: queue.add "send"',
          'services/users/src/users.ts:13:44 the same event on another branch: queue.add "send"',
        ],
      }],
    },
  ],
});
