/**
 * dual-write and callees that are flows of their own: a function that writes and
 * publishes is the flow and is reported once; a caller that makes an unrelated
 * write before calling it is not paired with the callee's event, nor is the callee's
 * write paired with an unrelated publish the caller makes after it.
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

const SETUP = [
  ...CLIENTS,
  'export async function assignRider(orderId: string, riderId: string) {', //                         7
  "  const { rows } = await pool.query('INSERT INTO deliveries (order_id, rider_id) VALUES ($1, $2) RETURNING id', [orderId, riderId]);", // 8
  "  await producer.send({ topic: 'delivery.assigned', messages: [{ key: orderId, value: JSON.stringify({ id: rows[0].id }) }] });", // 9
  '}', //                                                                                            10
  '', //                                                                                             11
];

runRuleTests('dual-write', {
  valid: [],
  invalid: [
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
          ...CLIENTS,
          'async function announce(id: string) {', //                                                          7
          "  await producer.send({ topic: 'delivery.cancelled', messages: [{ key: id, value: JSON.stringify({ id }) }] });", // 8
          '}', //                                                                                            9
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
