/**
 * dual-write: follow-up work a service gives itself. A job on a queue whose every worker is in the
 * same service, queued after a write, is not reported when the flow's writes record no state for it
 * to complete and the worker only derives data (set-to-value updates, upserts, get-or-create): losing
 * it leaves a meter or a thumbnail stale until the next trigger. A pending status or a soft delete
 * before the job, a worker that sends an e-mail or adds a record, or a worker not found keeps it.
 */
import { runRuleTests } from '../support/ruleTester';
import { at } from './libraries/helpers';

/** The documents service works its own "usage" queue; `work` is the worker's body (job.data.userId). */
const worker = (work: string) => ({
  'services/documents/src/usage.worker.ts': `import { Worker } from 'bullmq';
import { PrismaClient } from '@prisma/client';
import nodemailer from 'nodemailer';

const prisma = new PrismaClient();
const mailer = nodemailer.createTransport({ host: 'smtp' });

export const worker = new Worker('usage', async (job) => {
  const used = await prisma.document.count({ where: { ownerId: job.data.userId } });
${work}
});
`,
});

const RECOMPUTE = "  await prisma.usageMeter.update({ where: { userId: job.data.userId }, data: { used } });\n  void mailer;";

/** The flow: writes (its body), then queues the usage job. */
const flow = (writes: string) => {
  const text = `import { Queue } from 'bullmq';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const usage = new Queue('usage');

export async function duplicate(userId: string, sourceId: string) {
${writes}
  await usage.add('recompute', { userId }, { jobId: userId });
}
`;
  return { text, files: { 'services/documents/src/documents.ts': text } };
};

const CREATE = "  await prisma.document.create({ data: { ownerId: userId, sourceId } });";
const PENDING = "  await prisma.duplicateRecord.create({ data: { ownerId: userId, sourceId, status: 'pending' } });";

runRuleTests('dual-write', {
  valid: [
    {
      name: 'a usage recompute on the service\'s own queue after a document insert: the worker only sets a derived meter',
      files: { ...flow(CREATE).files, ...worker(RECOMPUTE) },
    },
    {
      name: 'a record created pending and set to finish before the job: nothing is left pending',
      files: { ...flow(`${PENDING}\n  await prisma.duplicateRecord.update({ where: { sourceId }, data: { status: 'finish' } });`).files, ...worker(RECOMPUTE) },
    },
  ],
  invalid: [
    {
      name: 'the flow leaves a record pending for the job: a lost job leaves it pending for ever',
      files: { ...flow(PENDING).files, ...worker(RECOMPUTE) },
      errors: [{ messageId: 'dualWrite', file: 'services/documents/src/documents.ts', ...at(flow(PENDING).text, 'add') }],
    },
    {
      name: 'a soft delete whose clean-up the job does',
      files: { ...flow("  await prisma.document.update({ where: { id: sourceId }, data: { deletedAt: new Date() } });").files, ...worker(RECOMPUTE) },
      errors: [{ messageId: 'dualWrite', file: 'services/documents/src/documents.ts', line: 9, column: 15 }],
    },
    {
      name: 'a record that tracks the job (a delayed job the client polls) is created for it to complete',
      files: { ...flow("  await prisma.delayedJob.create({ data: { ownerId: userId } });").files, ...worker(RECOMPUTE) },
      errors: [{ messageId: 'dualWrite', file: 'services/documents/src/documents.ts', line: 9, column: 15 }],
    },
    {
      name: 'the worker sends an e-mail',
      files: { ...flow(CREATE).files, ...worker("  await mailer.sendMail({ to: job.data.userId, subject: `${used} documents` });") },
      errors: [{ messageId: 'dualWrite', file: 'services/documents/src/documents.ts', line: 9, column: 15 }],
    },
    {
      name: 'the worker adds a ledger row each time: the message carried something new',
      files: { ...flow(CREATE).files, ...worker('  await prisma.usageEntry.create({ data: { userId: job.data.userId, used } });') },
      errors: [{ messageId: 'dualWrite', file: 'services/documents/src/documents.ts', line: 9, column: 15 }],
    },
    {
      name: 'no worker of the queue in the workspace: what the job does is not known',
      files: flow(CREATE).files,
      errors: [{ messageId: 'dualWrite', file: 'services/documents/src/documents.ts', line: 9, column: 15 }],
    },
  ],
});
