/**
 * A shared helper that adds to whatever queue object it is given (`addToQueue(queue, data) {
 * queue.add(queue.name, data) }`) sends to the queue each caller passes: `addToQueue(updateUserQueue,
 * ...)` with `updateUserQueue = new Queue('update-user')` is a job for the "update-user" worker. So
 * missing-correlation-id judges each call as a hop to that worker's service, and a worker whose queue
 * such a helper also feeds is still known to be fed only by its schedule (non-idempotent-consumer).
 * A caller passing a queue whose name does not resolve leaves the helper's queue unknown.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const PKG = (name: string) => JSON.stringify({ name, version: '1.0.0', scripts: { start: 'node dist/index.js' } });

const QUEUES = {
  'packages/queues/package.json': JSON.stringify({ name: '@acme/queues', version: '1.0.0', main: 'src/index.ts' }),
  'packages/queues/src/index.ts': lines(
    "import { Queue, type JobsOptions } from 'bullmq';",
    '',
    "export const updateUserQueue = new Queue('update-user');",
    "export const digestQueue = new Queue('digest');",
    '',
    'export async function addToQueue<T>(queue: Queue<T>, data: T, options?: JobsOptions) {',
    '  await queue.add(queue.name as never, data as never, { attempts: 5, ...options });',
    '}',
  ),
};

const HUB = (queue: string) => lines(
  "import { addToQueue, updateUserQueue } from '@acme/queues';",
  '',
  'export async function identify(projectId: string, userId: string, queueName?: string) {',
  `  await addToQueue(${queue}, { projectId, userId });`,
  '}',
);

const WORKER = {
  'apps/worker/package.json': PKG('worker'),
  'apps/worker/src/index.ts': lines(
    "import { Worker } from 'bullmq';",
    "import { PrismaClient } from '@prisma/client';",
    "import { digestQueue } from '@acme/queues';",
    '',
    'const prisma = new PrismaClient();',
    '',
    "new Worker('update-user', async (job) => {",
    '  await prisma.visit.create({ data: { userId: job.data.userId, at: new Date() } });',
    '});',
    '',
    "await digestQueue.upsertJobScheduler('daily-digest', { pattern: '0 8 * * *' }, { name: 'digest', data: {} });",
    "new Worker('digest', async () => {",
    "  await fetch('https://mail.example.com/send', { method: 'POST', body: 'digest' });",
    '});',
  ),
};

const files = (queue: string) => ({
  'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['apps/*', 'packages/*'] }),
  ...QUEUES,
  'apps/hub/package.json': PKG('hub'),
  'apps/hub/src/index.ts': HUB(queue),
  ...WORKER,
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'a queue object whose name does not resolve: where the job goes is unknown', files: files('new (await import("bullmq")).Queue(queueName!)') },
  ],
  invalid: [{
    name: 'the helper called with a queue object of another service\'s worker is a hop to it',
    files: files('updateUserQueue'),
    errors: [{ messageId: 'missing', file: 'apps/hub/src/index.ts', ...at(HUB('updateUserQueue'), 'addToQueue(') }],
  }],
});

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [{
    name: 'the digest worker is fed only by its schedule; the update-user worker is fed by the helper',
    files: files('updateUserQueue'),
    errors: [{ messageId: 'unguarded', file: 'apps/worker/src/index.ts', line: 7, column: 5 }],
  }],
});
