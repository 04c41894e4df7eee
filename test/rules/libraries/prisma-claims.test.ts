/**
 * A Prisma compare-and-set claim (`updateMany` whose `where` names a selector, such as the row's id
 * or `projectId`, and a field the update changes, such as `status: 'QUEUED'` → `'RUNNING'`) is a
 * guard: a second delivery matches no row. An update that only names the id, or whose condition is a field it does not change, is not.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const worker = (update: string) => lines(
  "import { Worker } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  "import nodemailer from 'nodemailer';",
  '',
  'const prisma = new PrismaClient();',
  'const mailer = nodemailer.createTransport({});',
  '',
  "export const worker = new Worker('runs', async (job) => {",
  `  const claimed = await prisma.run.${update};`,
  '  if (claimed.count === 0) return;',
  "  await mailer.sendMail({ to: job.data.email, subject: 'Run started' });",
  '});',
);

const CLAIM = worker("updateMany({ where: { id: job.data.runId, status: 'QUEUED' }, data: { status: 'RUNNING' } })");
const ID_ONLY = worker("updateMany({ where: { id: job.data.runId }, data: { status: 'RUNNING' } })");
/** The selector is a unique field not named like an id (a feed's slug), the compared state a timestamp the update moves. */
const PROJECT_CLAIM = worker("updateMany({ where: { slug: job.data.slug, lastSyncAt: job.data.lastSyncAt }, data: { lastSyncAt: new Date() } })");
const STATE_ONLY = worker("updateMany({ where: { status: 'QUEUED' }, data: { status: 'RUNNING' } })");
const OTHER_FIELD = worker("updateMany({ where: { id: job.data.runId, projectId: job.data.projectId }, data: { status: 'RUNNING' } })");

/** The client type imported through a workspace barrel that re-exports the library (`export * from '@prisma/client'`). */
const BARREL = lines("export * from '@prisma/client';", 'export const DEFAULT_TAKE = 50;');
const CLAIM_THROUGH_BARREL = lines(
  "import { Worker } from 'bullmq';",
  "import nodemailer from 'nodemailer';",
  "import type { PrismaClient } from './db';",
  '',
  'const mailer = nodemailer.createTransport({});',
  '',
  'async function claimRun(params: { prisma: PrismaClient; runId: string }) {',
  "  const rows = await params.prisma.run.updateManyAndReturn({ where: { id: params.runId, status: 'QUEUED' }, data: { status: 'RUNNING' } });",
  '  return rows[0] ?? null;',
  '}',
  '',
  'export function start(prisma: PrismaClient) {',
  "  return new Worker('runs', async (job) => {",
  '    if (!(await claimRun({ prisma, runId: job.data.runId }))) return;',
  "    await mailer.sendMail({ to: job.data.email, subject: 'Run started' });",
  '  });',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'updateMany claiming the run (id and status in the condition, status changed) guards the e-mail', files: { 'services/runner/src/worker.ts': CLAIM } },
    {
      name: 'a claim through a client typed by a barrel re-exporting @prisma/client, in a helper taking it in an options object',
      files: { 'services/runner/src/db.ts': BARREL, 'services/runner/src/worker.ts': CLAIM_THROUGH_BARREL },
    },
    { name: 'a claim selecting rows by a field not named like an id (slug) and comparing the field it moves', files: { 'services/runner/src/worker.ts': PROJECT_CLAIM } },
  ],
  invalid: [
    {
      name: 'updateMany on the id alone claims nothing',
      files: { 'services/runner/src/worker.ts': ID_ONLY },
      errors: [{ messageId: 'unguarded', ...at(ID_ONLY, 'Worker(') }],
    },
    {
      name: 'updateMany conditioned only on the state it changes selects no rows of this message: not a claim',
      files: { 'services/runner/src/worker.ts': STATE_ONLY },
      errors: [{ messageId: 'unguarded', ...at(STATE_ONLY, 'Worker(') }],
    },
    {
      name: 'updateMany conditioned on a field it does not change claims nothing',
      files: { 'services/runner/src/worker.ts': OTHER_FIELD },
      errors: [{ messageId: 'unguarded', ...at(OTHER_FIELD, 'Worker(') }],
    },
  ],
});
