/**
 * non-idempotent-consumer: a job handler fed only by repeatable jobs (`queue.add(name, data, { repeat })`,
 * BullMQ `upsertJobScheduler`) runs the same data on every tick, so a retried or stalled run is one more
 * tick. Found on panora (packages/api/src/@core/sync/sync.processor.ts:14, fed by shared.service.ts:54:
 * `syncJobsQueue.add(jobName, jobData, { repeat: { cron }, jobId: jobName })`). A producer that adds the
 * job without a schedule keeps the finding. A bull processor of one job name (`queue.process('verify', fn)`)
 * is fed by the producers of that name only.
 */
import { runRuleTests } from '../support/ruleTester';

/** A sync processor (its handler decorated at line 9) and a service adding jobs with `adds`. */
const sync = (...adds: string[]) => ({
  'services/sync/src/sync.processor.ts': `import { Process, Processor } from '@nestjs/bull';
import { PrismaClient } from '@prisma/client';
import { Job } from 'bull';

const prisma = new PrismaClient();

@Processor('sync-jobs')
export class SyncProcessor {
  @Process('*')
  async pull(job: Job<{ connectionId: string }>) {
    await prisma.syncRecord.create({ data: { connectionId: job.data.connectionId, at: new Date() } });
  }
}
`,
  'services/sync/src/scheduler.service.ts': `import { InjectQueue } from '@nestjs/bull';
import { Queue } from 'bull';

export class SchedulerService {
  constructor(@InjectQueue('sync-jobs') private readonly queue: Queue) {}
  async schedule(jobName: string, connectionId: string, cron: string) {
    ${adds.join('\n    ')}
  }
}
`,
});

/** The processor, fed through a service that hands out its injected queues by getters (panora's BullQueueService). */
const throughGetters = {
  'services/sync/src/sync.processor.ts': sync('')['services/sync/src/sync.processor.ts'],
  'services/sync/src/queues.service.ts': `import { InjectQueue } from '@nestjs/bull';
import { Queue } from 'bull';

export class QueuesService {
  constructor(
    @InjectQueue('sync-jobs') private readonly syncJobs: Queue,
    @InjectQueue('mail') private readonly mail: Queue,
  ) {}
  getSyncJobsQueue() {
    return this.syncJobs;
  }
  getMailQueue() {
    return this.mail;
  }
}
`,
  'services/sync/src/scheduler.service.ts': `import { QueuesService } from './queues.service';

export class SchedulerService {
  constructor(private readonly queues: QueuesService) {}
  async schedule(jobName: string, connectionId: string, cron: string) {
    await this.queues.getSyncJobsQueue().add(jobName, { connectionId }, { repeat: { cron }, jobId: jobName });
    await this.queues.getMailQueue().add({ to: 'ops@example.com', connectionId });
  }
}
`,
};

/** A BullMQ worker (line 7) fed by `feed`. */
const worker = (feed: string) => ({
  'services/reports/src/worker.ts': `import { Queue, Worker } from 'bullmq';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const queue = new Queue('reports');

export const reports = new Worker('reports', async (job) => {
  await prisma.report.create({ data: { day: new Date(), kind: job.name } });
});

export async function setUp() {
  ${feed}
}
`,
});

/** A bull queue with two named processors (`verify` at line 7, `send` at line 8); `adds` feed it. */
const bullNamed = (...adds: string[]) => ({
  'services/campaigns/src/campaign-queue.ts': `import Queue from 'bull';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
export const campaignQueue = new Queue('campaigns', process.env.REDIS_URL!);

campaignQueue.process('verify', async () => { await prisma.shipping.create({ data: { at: new Date() } }); });
campaignQueue.process('send', async (job) => { await prisma.shipping.create({ data: { campaignId: job.data.campaignId } }); });

export async function start(campaignId: string) {
  ${adds.join('\n  ')}
}
`,
});

const SCHEDULED = 'await this.queue.add(jobName, { connectionId }, { repeat: { cron }, jobId: jobName });';
const ONCE = 'await this.queue.add(jobName, { connectionId });';
const pull = { messageId: 'unguarded', file: 'services/sync/src/sync.processor.ts', line: 9, column: 4 };

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'every job of the queue is a repeatable job (the name a parameter)', files: sync(SCHEDULED) },
    { name: 'the queues come from getters of injected queues: the other add goes to another queue', files: throughGetters },
    {
      name: "bull: a processor of one job name (`process('verify', ...)`) fed only by that name's repeatable job",
      files: bullNamed("await campaignQueue.add('verify', {}, { repeat: { cron: '*/20 * * * * *' } });"),
    },
    { name: 'a BullMQ job scheduler feeds the worker', files: worker("await queue.upsertJobScheduler('daily', { pattern: '0 3 * * *' }, { name: 'daily-report', data: {} });") },
  ],
  invalid: [
    {
      name: 'bull: the same processor of that name also gets the job added once',
      files: bullNamed("await campaignQueue.add('verify', {}, { repeat: { cron: '*/20 * * * * *' } });", "await campaignQueue.add('verify', { campaignId });"),
      errors: [{ messageId: 'unguarded', file: 'services/campaigns/src/campaign-queue.ts', line: 7, column: 15 }],
    },
    { name: 'the same queue also gets jobs added once, which a retry repeats', files: sync(SCHEDULED, ONCE), errors: [pull] },
    { name: 'only jobs added once', files: sync(ONCE), errors: [pull] },
    {
      name: 'a BullMQ job added once next to the scheduler',
      files: worker("await queue.upsertJobScheduler('daily', { every: 86400000 }, { name: 'daily-report' });\n  await queue.add('adhoc-report', {});"),
      errors: [{ messageId: 'unguarded', file: 'services/reports/src/worker.ts', line: 7, column: 28 }],
    },
  ],
});
