/**
 * dual-write and a job for a queue whose workers drop every failure (a `try`/`catch` around the work
 * that logs and lets the job complete): the queue runs best-effort work, the team accepts that a job
 * may not happen, and losing it beside the write is not reported. A worker that rethrows, or one whose
 * work is not all caught, keeps the finding. A worker that only relays the job on core NATS (at most
 * once, to whoever listens) is best-effort too, as is one that only emits it on an in-process `EventEmitter` of
 * Node's `events` (a live push to open server-sent-event connections); one relaying it on JetStream is not, nor
 * one emitting on an emitter of another library; an empty job whose worker only re-reads the store into
 * memory (a cache refresh) is not reported either, the same worker given the write's data is; so does a scheduler callback registered by a start-up
 * function, which is a flow of its own and not part of the function registering it.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const QUEUE = (catchBody: string[]) => lines(
  "import Bull from 'bull';",
  "import axios from 'axios';",
  '',
  "export const notifications = new Bull('send-notifications', { redis: process.env.REDIS_URL, defaultJobOptions: { removeOnFail: true } });",
  '',
  'export function startWorkers() {',
  '  notifications.process(async (job) => {',
  '    try {',
  '      await axios.post(`${process.env.NOTIFICATION_CENTER_URL}/notifications`, job.data);',
  '    } catch (e) {',
  ...catchBody,
  '    }',
  '  });',
  '}',
);

const DROPS = QUEUE(["      console.warn('notification not sent', e);"]);
const RETHROWS = QUEUE(["      console.error('notification not sent', e);", '      throw e;']);

/** A queue whose worker relays each job as a NATS message (core NATS, or JetStream's `js.publish`). */
const RELAY = (publish: string) => lines(
  "import Bull from 'bull';",
  "import { connect } from 'nats';",
  '',
  "export const notifications = new Bull('send-notifications', { redis: process.env.REDIS_URL });",
  '',
  'export async function startWorkers() {',
  "  const nc = await connect({ servers: process.env.NATS_URL });",
  '  notifications.process(async (job) => {',
  `    ${publish}`,
  '  });',
  '}',
);

/** A queue whose worker emits each job on an emitter (`source` names its module) that another file creates. */
const EMITTER = (source: string) => ({
  'services/api/src/emitter.ts': lines(`import { EventEmitter } from '${source}';`, '', 'export const notificationEmitter = new EventEmitter();'),
  'services/api/src/queue.ts': lines(
    "import Bull from 'bull';",
    "import { notificationEmitter } from './emitter';",
    '',
    "export const notifications = new Bull('send-notifications', { redis: process.env.REDIS_URL });",
    '',
    'export function startWorkers() {',
    '  notifications.process(async (job) => {',
    '    deliver(job.data);',
    '  });',
    '}',
    '',
    'function deliver(notification: unknown) {',
    "  notificationEmitter.emit('newNotification', notification);",
    '}',
  ),
});

/** A hashtag follow saved, then a refresh job (`body`) for a worker that re-reads the follows into memory. */
const REFRESH = (body: string) => ({
  'services/api/src/refresh.ts': lines(
    "import { Queue, Worker } from 'bullmq';",
    "import { PrismaClient } from '@prisma/client';",
    '',
    'const prisma = new PrismaClient();',
    "export const refreshQueue = new Queue('refresh-follows');",
    'export let followed: string[] = [];',
    '',
    'export function startRefresher() {',
    "  new Worker('refresh-follows', async () => {",
    '    followed = (await prisma.hashtagFollow.findMany()).map((f) => f.tag);',
    '  });',
    '}',
  ),
  'services/api/src/follow.ts': lines(
    "import { PrismaClient } from '@prisma/client';",
    "import { refreshQueue } from './refresh';",
    '',
    'const prisma = new PrismaClient();',
    '',
    'export async function followTag(userId: string, tag: string) {',
    '  await prisma.hashtagFollow.create({ data: { userId, tag } });',
    `  await refreshQueue.add('refresh', ${body});`,
    '}',
  ),
});

const FLOW = lines(
  "import { Pool } from 'pg';",
  "import { notifications } from './queue';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  '',
  'export async function boostProject(userId: string, projectId: string) {',
  "  await pool.query('INSERT INTO boosts (user_id, project_id) VALUES ($1, $2)', [userId, projectId]);",
  "  await notifications.add({ eventName: 'project-boosted', userId, projectId, correlationId: projectId });",
  '}',
);

const CRON = lines(
  "import { schedule } from 'node-cron';",
  "import { Pool } from 'pg';",
  "import { notifications } from './queue';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  '',
  'export function runSitemapJob() {',
  "  schedule('0 * * * *', async () => {",
  "    await pool.query('INSERT INTO sitemap_urls (url) VALUES ($1)', ['/projects']);",
  '  });',
  '}',
  '',
  'export function runRoundJob() {',
  "  schedule('*/5 * * * *', async () => {",
  "    await notifications.add({ eventName: 'round-started', correlationId: 'round' });",
  '  });',
  '}',
  '',
  'export async function initializeCronJobs() {',
  '  runSitemapJob();',
  '  runRoundJob();',
  '}',
);

runRuleTests('dual-write', {
  valid: [
    { name: 'a job for a queue whose worker catches every failure and lets the job complete', files: { 'services/api/src/queue.ts': DROPS, 'services/api/src/boost.ts': FLOW } },
    { name: 'a job for a queue whose worker only relays it on core NATS (at most once, to whoever listens)', files: { 'services/api/src/queue.ts': RELAY("nc.publish(`boosts.${job.data.userId}`, JSON.stringify(job.data));"), 'services/api/src/boost.ts': FLOW } },
    { name: 'a job for a queue whose worker only emits it on an in-process EventEmitter of node:events', files: { ...EMITTER('node:events'), 'services/api/src/boost.ts': FLOW } },
    { name: 'an empty job for a worker that only re-reads the store into memory (a cache refresh)', files: REFRESH('{}') },
    { name: 'two cron callbacks registered by one start-up function are separate flows', files: { 'services/api/src/queue.ts': RETHROWS, 'services/api/src/cron.ts': CRON } },
  ],
  invalid: [{
    name: 'the same worker given the write\'s data: the job is about the write',
    files: REFRESH('{ userId, tag }'),
    errors: [{ messageId: 'dualWrite', file: 'services/api/src/follow.ts', line: 8, column: 22 }],
  }, {
    name: 'a job for a queue whose worker emits it on an emitter of another library (it may be a broker)',
    files: { ...EMITTER('eventemitter-kafka'), 'services/api/src/boost.ts': FLOW },
    errors: [{ messageId: 'dualWrite', file: 'services/api/src/boost.ts', ...at(FLOW, 'add(') }],
  }, {
    name: 'a job for a queue whose worker rethrows',
    files: { 'services/api/src/queue.ts': RETHROWS, 'services/api/src/boost.ts': FLOW },
    errors: [{ messageId: 'dualWrite', file: 'services/api/src/boost.ts', ...at(FLOW, 'add(') }],
  }, {
    name: 'a job for a queue whose worker relays it on JetStream (stored, redelivered)',
    files: { 'services/api/src/queue.ts': RELAY("await nc.jetstream().publish(`boosts.${job.data.userId}`, JSON.stringify(job.data));"), 'services/api/src/boost.ts': FLOW },
    errors: [{ messageId: 'dualWrite', file: 'services/api/src/boost.ts', ...at(FLOW, 'add(') }],
  }],
});
