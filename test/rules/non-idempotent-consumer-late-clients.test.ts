/**
 * non-idempotent-consumer on a client held in a module variable declared empty and assigned later
 * (`let channel: any = null; ... channel = await connection.createChannel()`): the assignment types it.
 */
import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const consumer = (declaration: string) => lines(
  "import * as amqplib from 'amqplib';",
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  'let connection: any = null;',
  declaration,
  'async function init() {',
  '  connection = await amqplib.connect(process.env.AMQP_URL!);',
  '  channel = await connection.createChannel();',
  '}',
  'export async function run() {',
  '  await init();',
  "  await channel.consume('memos', async (msg: amqplib.ConsumeMessage | null) => {",
  '    if (!msg) return;',
  "    await pool.query('INSERT INTO memo_chunks(body) VALUES ($1)', [msg.content.toString()]);",
  '    channel.ack(msg);',
  '  });',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'a variable that is only ever null is not a client',
      code: consumer('let channel: any = null;').replace('  channel = await connection.createChannel();\n', ''),
    },
  ],
  invalid: [
    {
      name: 'let channel: any = null, assigned the channel later',
      code: consumer('let channel: any = null;'),
      errors: [{ messageId: 'unguarded', line: 12, column: 17, messageIncludes: 'amqplib consumer of queue "memos"' }],
    },
    {
      name: 'let channel = undefined, assigned the channel later',
      code: consumer('let channel: any = undefined;'),
      errors: [{ messageId: 'unguarded', line: 12, column: 17, messageIncludes: 'amqplib consumer of queue "memos"' }],
    },
  ],
});
