/**
 * dual-write and telemetry channels named by a wrapper's caller: a log line sent to a `logs` queue
 * through `sendMessage(queue, message)` after a write is a data point, not the write's event; the
 * same wrapper called with a business queue is reported.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const AMQP = lines(
  "import amqp from 'amqplib';",
  '',
  'let channel: amqp.Channel;',
  '',
  'export async function sendMessage(queue: string, message: string) {',
  '  channel ??= await (await amqp.connect(process.env.AMQP_URL!)).createChannel();',
  '  channel.sendToQueue(queue, Buffer.from(message));',
  '}',
);

const profiles = (queue: string) => lines(
  "import { Pool } from 'pg';",
  "import { sendMessage } from './amqp';",
  '',
  'const pool = new Pool();',
  '',
  'export async function createProfile(email: string) {',
  "  await pool.query('INSERT INTO profiles (email) VALUES ($1)', [email]);",
  `  await sendMessage('${queue}', \`\${email} created their profile\`);`,
  '}',
);

runRuleTests('dual-write', {
  valid: [
    { name: 'a log line to the logs queue through the wrapper', files: { 'services/users/src/amqp.ts': AMQP, 'services/users/src/profiles.ts': profiles('logs') } },
  ],
  invalid: [
    {
      name: 'the same wrapper called with a business queue',
      files: { 'services/users/src/amqp.ts': AMQP, 'services/users/src/profiles.ts': profiles('profile.created') },
      errors: [{ messageId: 'dualWrite', file: 'services/users/src/profiles.ts', ...at(profiles('profile.created'), 'sendMessage(') }],
    },
  ],
});
