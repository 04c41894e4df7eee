/** Trigger.dev: tasks.trigger / myTask.trigger as publishes to the task id, task({ id, run }) as its consumer. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const DB = lines(
  "import { PrismaClient } from '@prisma/client';",
  '',
  'export const prisma = new PrismaClient();',
);

const TASK = (body: string[]) => lines(
  "import { task } from '@trigger.dev/sdk/v3';",
  "import { prisma } from '../db';",
  '',
  'export const notify = task({',
  "  id: 'notification',",
  '  run: async (payload: { issueId: string }) => {',
  ...body,
  '  },',
  '});',
);

const INSERTING = TASK(['    await prisma.notification.create({ data: { issueId: payload.issueId, sentAt: new Date() } });']);

const BY_ID = lines(
  "import { tasks } from '@trigger.dev/sdk/v3';",
  "import { prisma } from './db';",
  '',
  'export async function createIssue(title: string) {',
  '  const issue = await prisma.issue.create({ data: { title } });',
  "  await tasks.trigger('notification', { issueId: issue.id });",
  '  return issue;',
  '}',
);

const ON_TASK = lines(
  "import { prisma } from './db';",
  "import { notify } from './trigger/notify';",
  '',
  'export async function closeIssue(id: string) {',
  "  await prisma.issue.update({ where: { id }, data: { state: 'closed' } });",
  '  await notify.trigger({ issueId: id });',
  '}',
);

const files = (extra: Record<string, string>) => ({ 'apps/server/src/db.ts': DB, ...extra });

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'a task is taken as run once: a crashed run is final, and what a throw repeats is not followed', files: files({ 'apps/server/src/trigger/notify.ts': INSERTING }) },
  ],
  invalid: [],
});

runRuleTests('dual-write', {
  valid: [],
  invalid: [
    {
      name: 'prisma create, then tasks.trigger(id, payload)',
      files: files({ 'apps/server/src/issues.ts': BY_ID, 'apps/server/src/trigger/notify.ts': INSERTING }),
      errors: [{ messageId: 'dualWrite', file: 'apps/server/src/issues.ts', ...at(BY_ID, 'trigger('), messageIncludes: 'Trigger.dev task "notification"' }],
    },
    {
      name: 'prisma update, then notify.trigger(payload) on the task object',
      files: files({ 'apps/server/src/close.ts': ON_TASK, 'apps/server/src/trigger/notify.ts': INSERTING }),
      errors: [{ messageId: 'dualWrite', file: 'apps/server/src/close.ts', ...at(ON_TASK, 'trigger('), messageIncludes: 'Trigger.dev task "notification"' }],
    },
  ],
});

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'a trigger carries the trace context and the parent run', files: files({ 'apps/server/src/issues.ts': BY_ID, 'apps/server/src/trigger/notify.ts': INSERTING }) }],
  invalid: [],
});
