/**
 * Registration wrappers: a BullMQ `Worker` (or bull `queue.process`) created inside a function
 * that takes the processor as a parameter registers, at each call of that function, the
 * processor passed there; the finding points at that call. A wrapper nobody calls registers nothing.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const MANAGER = lines(
  "import { Worker, Processor, Job } from 'bullmq';",
  '',
  'export class WorkerManager {',
  '  private static workers: Record<string, Worker> = {};',
  '',
  '  private static metricWrapper(processor: Processor, queueName: string): Processor {',
  '    return async (job: Job) => {',
  '      const started = Date.now();',
  '      const result = await processor(job);',
  '      console.log(queueName, Date.now() - started);',
  '      return result;',
  '    };',
  '  }',
  '',
  '  public static register(queueName: string, processor: Processor, concurrency = 1): void {',
  '    if (WorkerManager.workers[queueName]) return;',
  '    WorkerManager.workers[queueName] = new Worker(queueName, WorkerManager.metricWrapper(processor, queueName), { concurrency });',
  '  }',
  '}',
);

const PROCESSORS = lines(
  "import { Job } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  'export async function notificationProcessor(job: Job<{ userId: string }>) {',
  "  await prisma.notification.create({ data: { userId: job.data.userId, kind: 'mention' } });",
  '}',
  '',
  'export async function cleanupProcessor(job: Job<{ id: string }>) {',
  '  await prisma.notification.deleteMany({ where: { id: job.data.id } });',
  '}',
);

const APP = lines(
  "import { WorkerManager } from './workerManager';",
  "import { notificationProcessor, cleanupProcessor } from './processors';",
  '',
  "WorkerManager.register('notifications', notificationProcessor);",
  "WorkerManager.register('cleanup', cleanupProcessor, 2);",
);

const UNCALLED = lines(
  "import { Worker, Processor } from 'bullmq';",
  '',
  'export function startWorker(name: string, processor: Processor) {',
  '  return new Worker(name, processor);',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'a registration wrapper that is never called registers no handler', files: { 'services/worker/src/start.ts': UNCALLED } },
  ],
  invalid: [
    {
      name: 'BullMQ Worker created in WorkerManager.register around a metric wrapper: the insert-only processor is reported at its register call',
      files: {
        'services/worker/src/workerManager.ts': MANAGER,
        'services/worker/src/processors.ts': PROCESSORS,
        'services/worker/src/app.ts': APP,
      },
      errors: [{ messageId: 'unguarded', file: 'services/worker/src/app.ts', ...at(APP, 'register(') }],
    },
  ],
});
