/** Source texts shared by the protocol tests. */

/** A kafkajs consumer that inserts with pg on every delivery and has no dedupe. */
export const UNGUARDED_CONSUMER = `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const kafka = new Kafka({ clientId: 'payments', brokers: ['localhost:9092'] });
const pool = new Pool();
const consumer = kafka.consumer({ groupId: 'payments' });

export async function start(): Promise<void> {
  await consumer.subscribe({ topic: 'order.created' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const order = JSON.parse(message.value!.toString());
      await pool.query('INSERT INTO payments (order_id, amount) VALUES ($1, $2)', [order.id, order.amount]);
    },
  });
}
`;

/** The same consumer guarded by an inbox row in the same transaction. */
export const GUARDED_CONSUMER = `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const kafka = new Kafka({ clientId: 'payments', brokers: ['localhost:9092'] });
const pool = new Pool();
const consumer = kafka.consumer({ groupId: 'payments' });

export async function start(): Promise<void> {
  await consumer.subscribe({ topic: 'order.created' });
  await consumer.run({
    eachMessage: async ({ message, partition, topic }) => {
      const order = JSON.parse(message.value!.toString());
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const inbox = await client.query(
          'INSERT INTO inbox (message_id) VALUES ($1) ON CONFLICT DO NOTHING',
          [\`\${topic}/\${partition}/\${message.offset}\`],
        );
        if (inbox.rowCount === 0) {
          await client.query('ROLLBACK');
          return;
        }
        await client.query('INSERT INTO payments (order_id, amount) VALUES ($1, $2)', [order.id, order.amount]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
  });
}
`;

export const PACKAGE_JSON = JSON.stringify({ name: 'payments', version: '1.0.0', private: true }, null, 2);

/** The range of \`eachMessage\` in UNGUARDED_CONSUMER (line 11, columns 5-16, 1-based). */
export const EACH_MESSAGE_RANGE = { start: { line: 10, character: 4 }, end: { line: 10, character: 15 } };
