/**
 * mssql (SQL Server): `sql.connect(config)` pools, `pool.request().input(...)…query(sql)` fluent
 * chains of any length, and the SQL text read like pg's: an insert is a non-idempotent write, an
 * insert whose unique violation is caught and skipped deduplicates.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const POOL = lines(
  "import sql from 'mssql';",
  'let poolPromise: Promise<sql.ConnectionPool> | null = null;',
  'export function getPool() {',
  '  poolPromise ??= sql.connect({ server: process.env.DB_HOST!, database: process.env.DB_NAME!, user: process.env.DB_USER!, password: process.env.DB_PASSWORD! });',
  '  return poolPromise;',
  '}',
  'export { sql };',
);

/** A repository insert whose request carries nine inputs, optionally in a try that skips SQL Server's 2627. */
const repo = (caught: boolean) => lines(
  "import { getPool, sql } from './pool';",
  'export async function createPayment(orderId: string, amount: number) {',
  '  const pool = await getPool();',
  ...(caught ? ['  try {'] : []),
  '  await pool',
  '    .request()',
  ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k) => `    .input('${k}', sql.VarChar(10), '${k}')`),
  "    .input('orderId', sql.VarChar(100), orderId).query(`",
  '      INSERT INTO dbo.payments (order_id, amount) VALUES (@orderId, @amount);',
  '    `);',
  ...(caught ? ['  } catch (err: any) {', '    if (err.number === 2627) return;', '    throw err;', '  }'] : []),
  '}',
);

const CONSUMER = lines(
  "import { Kafka } from 'kafkajs';",
  "import { createPayment } from './payment.repo';",
  "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'payments' });",
  'export async function start() {',
  "  await consumer.subscribe({ topic: 'order.created' });",
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      const order = JSON.parse(message.value!.toString());',
  '      await createPayment(order.id, order.total);',
  '    },',
  '  });',
  '}',
);

const files = (caught: boolean) => ({
  'services/payments/src/pool.ts': POOL,
  'services/payments/src/payment.repo.ts': repo(caught),
  'services/payments/src/consumer.ts': CONSUMER,
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'the insert\'s unique violation (2627) is caught and skipped', files: files(true) },
  ],
  invalid: [
    {
      name: 'an INSERT through a request with nine inputs is a write the consumer repeats',
      files: files(false),
      errors: [{
        messageId: 'unguarded', file: 'services/payments/src/consumer.ts', ...at(CONSUMER, 'eachMessage'),
        messageIncludes: 'writes `INSERT INTO dbo.payments`',
      }],
    },
  ],
});
