/** One kafkajs consumer that inserts a row per delivery with no dedupe: a file with exactly one finding. */
export const UNGUARDED_CONSUMER = [
  "import { Kafka } from 'kafkajs';",
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });",
  'export async function start() {',
  "  await consumer.run({ eachMessage: async ({ message }) => { await pool.query('INSERT INTO orders (id) VALUES ($1)', [String(message.value)]); } });",
  '}',
  '',
].join('\n');
