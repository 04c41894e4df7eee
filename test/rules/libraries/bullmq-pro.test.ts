/**
 * BullMQ Pro (`@taskforcesh/bullmq-pro`): `QueuePro` and `WorkerPro` are BullMQ's Queue and Worker
 * under Pro names, read by the same table entries: a worker that inserts is a redelivered handler,
 * and a job added after a write is a dual write.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const WORKER = lines(
  "import { WorkerPro } from '@taskforcesh/bullmq-pro';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool();',
  '',
  "export const worker = new WorkerPro('flow', async (job) => {",
  "  await pool.query('INSERT INTO executions (flow_id) VALUES ($1)', [job.data.flowId]);",
  "}, { connection: { host: 'redis' } });",
);

const WEBHOOK = lines(
  "import { QueuePro } from '@taskforcesh/bullmq-pro';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool();',
  "const actions = new QueuePro('action', { connection: { host: 'redis' } });",
  '',
  'export async function onWebhook(flowId: string) {',
  "  await pool.query('INSERT INTO execution_steps (flow_id) VALUES ($1)', [flowId]);",
  "  await actions.add('run-action', { flowId });",
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [
    { name: 'a WorkerPro whose processor inserts', files: { 'services/worker/src/flow.ts': WORKER }, errors: [{ messageId: 'unguarded', file: 'services/worker/src/flow.ts', ...at(WORKER, 'WorkerPro(') }] },
  ],
});

runRuleTests('dual-write', {
  valid: [],
  invalid: [
    {
      name: 'a QueuePro job added after the insert, worked by another service',
      files: {
        'services/api/src/webhook.ts': WEBHOOK,
        'services/worker/src/action.ts': lines(
          "import { WorkerPro } from '@taskforcesh/bullmq-pro';",
          "export const worker = new WorkerPro('action', async (job) => { await fetch('https://hooks.example.com', { method: 'POST', body: JSON.stringify(job.data) }); });",
        ),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/api/src/webhook.ts', ...at(WEBHOOK, 'add(') }],
    },
  ],
});
