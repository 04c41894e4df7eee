/**
 * non-idempotent-consumer: a write whose unique-key violation the code catches and skips
 * (`catch (err) { if (err.code === '23505') return; throw err; }`, a helper named for it that
 * returns a sentinel the handler checks, a mongoose `.catch` on E11000) deduplicates on the
 * store's key. A catch that rethrows on the violation, or swallows every error without telling a
 * duplicate, is no such guard.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A kafkajs consumer of payment requests whose handler body is given; line 9 is `eachMessage`. */
function consumer(body: string[], extra: string[] = []): Record<string, string> {
  return {
    'services/payments/src/consumer.ts': lines(
      "import { Kafka } from 'kafkajs';", //                                                          1
      "import { Pool } from 'pg';", //                                                                2
      'const pool = new Pool();', //                                                                   3
      "const kafka = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] });", //             4
      "const consumer = kafka.consumer({ groupId: 'payments' });", //                               5
      'export async function start() {', //                                                           6
      "  await consumer.subscribe({ topic: 'order.created' });", //                                 7
      '  await consumer.run({', //                                                                    8
      '    eachMessage: async ({ message }) => {', //                                                 9
      "      const order = JSON.parse(message.value!.toString()) as { orderId: string; amount: number };",
      ...body.map((l) => `      ${l}`),
      '    },',
      '  });',
      '}',
      ...extra,
    ),
  };
}

const INSERT = "await pool.query('INSERT INTO payments (order_id, amount) VALUES ($1, $2)', [order.orderId, order.amount]);";

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'the insert\'s unique violation (Postgres 23505) is caught and the message skipped',
      files: consumer(['try {', `  ${INSERT}`, '} catch (err: any) {', "  if (err.code === '23505') return;", '  throw err;', '}']),
    },
    {
      name: 'a repository helper catches the violation through a helper named for it and returns a sentinel the handler checks',
      files: consumer(
        ['const created = await createPayment(order);', "if (created === 'duplicate') return;"],
        [
          'function isUniqueConstraintError(err: unknown): boolean {',
          "  return (err as { number?: number }).number === 2627;",
          '}',
          "async function createPayment(order: { orderId: string; amount: number }): Promise<'created' | 'duplicate'> {",
          '  try {',
          `    ${INSERT}`,
          "    return 'created';",
          '  } catch (err) {',
          "    if (isUniqueConstraintError(err)) return 'duplicate';",
          '    throw err;',
          '  }',
          '}',
        ],
      ),
    },
    {
      name: 'a promise .catch on the insert that skips a MongoDB duplicate key (11000)',
      files: consumer([
        `${INSERT.replace(/;$/, '')}.catch((e: any) => {`,
        '  if (e.code === 11000) return;',
        '  throw e;',
        '});',
      ]),
    },
  ],
  invalid: [
    {
      name: 'the violation is caught but turned into another error: the repeat still fails loudly, and nothing tells a duplicate from a failure',
      files: consumer(['try {', `  ${INSERT}`, '} catch (err: any) {', "  if (err.code === '23505') throw new Error('conflict');", '  throw err;', '}']),
      errors: [{ messageId: 'unguarded', file: 'services/payments/src/consumer.ts', line: 9, column: 5 }],
    },
    {
      name: 'every error is swallowed, with no test for a duplicate: not a dedupe',
      files: consumer(['try {', `  ${INSERT}`, '} catch (err) {', '  console.error(err);', '  return;', '}']),
      errors: [{ messageId: 'unguarded', file: 'services/payments/src/consumer.ts', line: 9, column: 5 }],
    },
    {
      name: 'the caught insert runs for one event type only: the refund insert of the other type is not guarded by it',
      files: consumer([
        "if ((order as any).type === 'contest') {",
        '  try {',
        `    ${INSERT}`,
        '  } catch (err: any) {',
        "    if (err.code === '23505') return;",
        '    throw err;',
        '  }',
        '} else {',
        "  await pool.query('INSERT INTO refunds (order_id) VALUES ($1)', [order.orderId]);",
        '}',
      ]),
      errors: [{ messageId: 'unguarded', file: 'services/payments/src/consumer.ts', line: 9, column: 5 }],
    },
    {
      name: 'a handler called handleDeposit is not a guard named handled',
      files: consumer(['await handleDeposit(order);'], ['async function handleDeposit(order: { orderId: string; amount: number }) {', `  ${INSERT}`, '}']),
      errors: [{ messageId: 'unguarded', file: 'services/payments/src/consumer.ts', line: 9, column: 5 }],
    },
    {
      name: 'an unrelated condition in the catch (a timeout code) is no duplicate test',
      files: consumer(['try {', `  ${INSERT}`, '} catch (err: any) {', "  if (err.code === 'ETIMEDOUT') return;", '  throw err;', '}']),
      errors: [{ messageId: 'unguarded', file: 'services/payments/src/consumer.ts', line: 9, column: 5 }],
    },
  ],
});
