/**
 * dual-write through a jobs package: the queue comes out of a handle a workspace function returns
 * (`const { queue } = await getJobsQueue()`, typed `Promise<JobsQueueHandle>`), and the flow calls
 * it through a producer a factory declared to return an interface builds
 * (`getProducer = (): BackgroundJobProducer => ({ enqueueResponsePipeline: ... })`). Two flows in
 * different files that reach the same enqueue are each reported, whatever their positions.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const JOBS = {
  'packages/jobs/package.json': JSON.stringify({ name: '@acme/jobs', main: 'src/index.ts', dependencies: { bullmq: '^5' } }),
  'packages/jobs/src/contracts.ts': lines(
    'export interface BackgroundJobProducer {',
    '  enqueueResponsePipeline: (data: { id: string }) => Promise<string | undefined>;',
    '}',
  ),
  'packages/jobs/src/queue.ts': lines(
    "import { type Job, Queue } from 'bullmq';",
    "import type { BackgroundJobProducer } from './contracts';",
    '',
    'export interface JobsQueueHandle {',
    '  queue: Queue;',
    '}',
    '',
    'let queueSingleton: Queue | undefined;',
    '',
    'export const getJobsQueue = async (): Promise<JobsQueueHandle> => {',
    '  if (queueSingleton) return { queue: queueSingleton };',
    "  queueSingleton = new Queue('jobs', { connection: { host: 'redis' } });",
    '  return { queue: queueSingleton };',
    '};',
    '',
    'const enqueueBackgroundJob = async (jobName: string, data: unknown): Promise<Job> => {',
    '  const { queue } = await getJobsQueue();',
    '  return await queue.add(jobName, data);',
    '};',
    '',
    'export const getBackgroundJobProducer = (): BackgroundJobProducer => ({',
    "  enqueueResponsePipeline: async (data) => (await enqueueBackgroundJob('response-pipeline', data)).id,",
    '});',
  ),
  'packages/jobs/src/index.ts': "export { getBackgroundJobProducer } from './queue';\n",
  'apps/web/package.json': JSON.stringify({ name: 'web', dependencies: { '@acme/jobs': '*', '@prisma/client': '^5' } }),
  'apps/web/lib/pipelines.ts': lines(
    "import { getBackgroundJobProducer } from '@acme/jobs';",
    '',
    'export const sendToPipeline = async (job: { id: string }): Promise<void> => {',
    '  const producer = getBackgroundJobProducer();',
    '  await producer.enqueueResponsePipeline(job);',
    '};',
  ),
};

/** A long route: its function spans the positions of the short one in the other file. */
const CREATE = lines(
  "import { PrismaClient } from '@prisma/client';",
  "import { sendToPipeline } from '../lib/pipelines';",
  'const prisma = new PrismaClient();',
  'export async function createResponse(surveyId: string) {',
  ...Array.from({ length: 30 }, (_, i) => `  // validation step ${i + 1} of the survey's response before it is stored`),
  '  const response = await prisma.response.create({ data: { surveyId } });',
  '  await sendToPipeline({ id: response.id });',
  '}',
);

const UPDATE = lines(
  "import { PrismaClient } from '@prisma/client';",
  "import { sendToPipeline } from '../lib/pipelines';",
  'const prisma = new PrismaClient();',
  'export async function finish(id: string) {',
  '  await prisma.response.update({ where: { id }, data: { finished: true } });',
  '  await sendToPipeline({ id });',
  '}',
);

runRuleTests('dual-write', {
  valid: [],
  invalid: [
    {
      name: 'a write, then an enqueue through the producer factory and the queue handle',
      files: { ...JOBS, 'apps/web/routes/create.ts': CREATE },
      errors: [{ messageId: 'dualWrite', file: 'apps/web/routes/create.ts', ...at(CREATE, 'sendToPipeline({') }],
    },
    {
      name: 'two flows in two files reaching the same enqueue are both reported',
      files: { ...JOBS, 'apps/web/routes/create.ts': CREATE, 'apps/web/routes/update.ts': UPDATE },
      errors: [
        { messageId: 'dualWrite', file: 'apps/web/routes/create.ts', ...at(CREATE, 'sendToPipeline({') },
        { messageId: 'dualWrite', file: 'apps/web/routes/update.ts', ...at(UPDATE, 'sendToPipeline({') },
      ],
    },
  ],
});
