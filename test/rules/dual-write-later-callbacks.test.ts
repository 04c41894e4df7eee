/**
 * dual-write and callbacks the start-up code registers but does not run: a Fastify route's `handler`
 * (`server.route({ url, handler })`), a request hook (`server.addHook('onRequest', ...)`), an `on<Event>`
 * member of the options given to a library (`createAuth({ callbacks: { onLogout } })`), and a listener
 * of a job queue's events (`worker.on('failed', ...)`) each run later, as flows of their own. The
 * start-up function that registers them all does not pair one's write with another's publish; a
 * handler that writes and publishes itself is still reported.
 */
import { runRuleTests } from '../support/ruleTester';

/** The webhook queue and its consumer in another service. */
const QUEUE = `import { Queue } from 'bullmq';
export const webhooks = new Queue('webhooks');
`;
const CONSUMER = "import { Worker } from 'bullmq';\nnew Worker('webhooks', async (job) => { await fetch(job.data.url, { method: 'POST', body: JSON.stringify(job.data) }); });\n";

/** The server's start-up: registers what `registration` says, whose body writes a token row. */
const server = (registration: string) => `import Fastify from 'fastify';
import { Pool } from 'pg';
import { createAuth } from '@acme/auth';

const pool = new Pool();

export async function initServer() {
  const server = Fastify();
  ${registration}
  await server.listen({ port: 3000 });
}
`;
const WRITE = "await pool.query('UPDATE tokens SET revoked_at = now() WHERE id = $1', [req.id]);";

/** The worker's start-up: a BullMQ worker whose failure listener queues a webhook. */
const WORKER = `import { Worker } from 'bullmq';
import { webhooks } from './queue';

export function initWorker() {
  const worker = new Worker('send', async (job) => job.data);
  worker.on('failed', async (job) => {
    await webhooks.add('errored', { id: job?.id });
  });
}
`;

const MAIN = `import { initServer } from './server';
import { initWorker } from './worker';

const main = async () => {
  await initServer();
  initWorker();
};
main();
`;

const files = (registration: string) => ({
  'services/engine/src/server.ts': server(registration),
  'services/engine/src/worker.ts': WORKER,
  'services/engine/src/queue.ts': QUEUE,
  'services/engine/src/index.ts': MAIN,
  'services/hooks/src/consumer.ts': CONSUMER,
});

runRuleTests('dual-write', {
  valid: [
    { name: 'a Fastify route handler given in the route options', files: files(`server.route({ method: 'POST', url: '/logout', handler: async (req: any) => { ${WRITE} } });`) },
    { name: 'a listener of the job queue\'s failures, beside a write the start-up itself makes', files: files("await pool.query('UPDATE settings SET started_at = now()');") },
    { name: 'a request hook', files: files(`server.addHook('onRequest', async (req: any) => { ${WRITE} });`) },
    { name: 'an on<Event> callback in the options of a library call', files: files(`createAuth({ domain: 'example.org', callbacks: { onLogout: async (req: any) => { ${WRITE} } } });`) },
    { name: 'an on<Event> method in the options of a library call', files: files(`createAuth({ callbacks: { async onLogout(req: any) { ${WRITE} } } });`) },
  ],
  invalid: [
    {
      name: 'a route handler that writes and queues the webhook itself',
      files: {
        ...files(`server.route({ method: 'POST', url: '/logout', handler: async (req: any) => { ${WRITE} await webhooks.add('revoked', { id: req.id }); } });`),
        'services/engine/src/server.ts': server(`server.route({ method: 'POST', url: '/logout', handler: async (req: any) => { ${WRITE} await webhooks.add('revoked', { id: req.id }); } });`).replace("import { createAuth } from '@acme/auth';", "import { createAuth } from '@acme/auth';\nimport { webhooks } from './queue';"),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/engine/src/server.ts', line: 10, column: 178 }],
    },
  ],
});
