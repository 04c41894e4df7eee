/**
 * non-idempotent-consumer: an effect the handler does not wait for (a call whose promise it drops) runs after
 * the handler has returned and the job or message is settled, so no redelivery repeats it. A handler that
 * settles its message itself (an ack after the effect) may wait for it, and an awaited call is reported.
 */
import { runRuleTests } from '../support/ruleTester';

/** A BullMQ worker whose job calls `issue`, which inserts a row; `call` is how the handler calls it (line 9). */
const worker = (call: string) => ({
  'services/issuance/src/worker.ts': `import { Worker } from 'bullmq';
import { Pool } from 'pg';

const pool = new Pool();
async function issue(data: { body: string }) {
  await pool.query('INSERT INTO credentials (body) VALUES ($1)', [data.body]);
}
export const worker = new Worker('issuance', async (job) => {
  ${call}
});
`,
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'the job handler calls the inserting function without awaiting it', files: worker('issue(job.data);') },
    { name: 'the job handler drops the promise with void and a catch', files: worker('void issue(job.data).catch(() => undefined);') },
  ],
  invalid: [
    {
      name: 'the same call, awaited: a stalled job re-runs it',
      files: worker('await issue(job.data);'),
      errors: [{ messageId: 'unguarded', line: 8, column: 27 }],
    },
    {
      name: 'a handler that acks after the effect waits for it, even when the chain is not awaited',
      files: {
        'services/worker/src/worker.ts': `import amqp from 'amqplib';
import { Pool } from 'pg';

const pool = new Pool();
export async function start() {
  const channel = await (await amqp.connect('amqp://rabbitmq')).createChannel();
  await channel.consume('tasks', (msg) => {
    if (!msg) return;
    pool.query('INSERT INTO tasks (body) VALUES ($1)', [msg.content.toString()]).then(() => channel.ack(msg));
  }, { noAck: false });
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 7, column: 17 }],
    },
  ],
});
