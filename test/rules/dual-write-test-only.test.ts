/**
 * dual-write and code that runs only outside production: after `if (process.env.NODE_ENV !== 'test')
 * throw ...` the rest of the function runs in tests alone (a reset-database endpoint), so its write and
 * publish are no production flow. A guard that leaves in tests (`=== 'test'`) keeps the flow.
 */
import { runRuleTests } from '../support/ruleTester';

const reset = (guard: string) => ({
  'services/api/src/reset-db.ts': `import { Pool } from 'pg';
import { Kafka } from 'kafkajs';

const pool = new Pool();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

export async function resetDb() {
  ${guard}
  await pool.query('UPDATE settings SET value = $1 WHERE key = $2', ['{}', 'meta']);
  await producer.send({ topic: 'meta-updated', messages: [{ value: '{}' }] });
}
`,
  'services/search/src/consumer.ts': "import { Kafka } from 'kafkajs';\nconst c = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'search' });\nexport async function start() { await c.subscribe({ topic: 'meta-updated' }); await c.run({ eachMessage: async ({ message }) => { console.log(message.value); } }); }\n",
});

const atTheSend = [{ messageId: 'dualWrite', file: 'services/api/src/reset-db.ts', line: 10, column: 18 }];

runRuleTests('dual-write', {
  valid: [
    { name: "after `if (process.env.NODE_ENV !== 'test') throw`: runs in tests only", files: reset("if (process.env.NODE_ENV !== 'test') throw new Error('NODE_ENV is not a test');") },
    { name: "after `if (process.env.NODE_ENV === 'production') return`", files: reset("if (process.env.NODE_ENV === 'production') return;") },
  ],
  invalid: [
    { name: 'no guard', files: reset('// no guard'), errors: atTheSend },
    { name: "a guard that leaves in tests: production runs on", files: reset("if (process.env.NODE_ENV === 'test') return;"), errors: atTheSend },
  ],
});
