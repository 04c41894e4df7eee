/**
 * dual-write: a job the flow waits on. `queue.add` followed by `job.finished()` (bull) or
 * `job.waitUntilFinished(events)` (BullMQ) is a call into the service's own worker, answered to the
 * flow: the flow learns of a lost job and cannot hand it to an outbox relay. Not reported when the
 * queue's worker is in the same service; a job let go of, or one another service works, is.
 */
import { runRuleTests } from '../support/ruleTester';
import { at } from './libraries/helpers';

/** The users service renders avatars on its own "avatars" queue. */
const WORKER = {
  'services/users/src/avatar.worker.ts': `import { Worker } from 'bullmq';
import { writeFile } from 'node:fs/promises';

export const worker = new Worker('avatars', async (job) => {
  await writeFile(\`/tmp/\${job.data.userId}.svg\`, '<svg/>');
  return { path: \`/tmp/\${job.data.userId}.svg\` };
});
`,
};

/** Sign-up: inserts the user, queues the avatar job, then (`wait`) what it does with the job. */
const signUp = (wait: string, file = 'services/users/src/signup.ts') => {
  const text = `import { Queue, QueueEvents } from 'bullmq';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const avatars = new Queue('avatars');
const events = new QueueEvents('avatars');

export async function signUp(name: string) {
  const user = await prisma.user.create({ data: { name } });
  const job = await avatars.add('render', { userId: user.id });
${wait}
  return user;
}
`;
  return { text, files: { [file]: text } };
};

const WAITS = "  const result = await job.waitUntilFinished(events);\n  await prisma.user.update({ where: { id: user.id }, data: { avatar: result.path } });";

runRuleTests('dual-write', {
  valid: [
    {
      name: 'the flow waits for the job\'s result (waitUntilFinished) from its own worker and saves it',
      files: { ...signUp(WAITS).files, ...WORKER },
    },
    {
      name: 'bull: the job\'s finished() promise is chained, not awaited',
      files: {
        ...WORKER,
        'services/users/src/signup.ts': `import Bull from 'bull';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const avatars = new Bull('avatars');

export async function signUp(name: string) {
  const user = await prisma.user.create({ data: { name } });
  void (await avatars.add({ userId: user.id })).finished().then((r: { path: string }) => prisma.user.update({ where: { id: user.id }, data: { avatar: r.path } }));
  return user;
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'the job is let go of: a crash after the insert loses it',
      files: { ...signUp('  void job;').files, ...WORKER },
      errors: [{ messageId: 'dualWrite', file: 'services/users/src/signup.ts', ...at(signUp('  void job;').text, 'add') }],
    },
    {
      name: 'the job is waited on, but another service works the queue: an event for that service',
      files: {
        ...signUp(WAITS).files,
        'services/media/src/avatar.worker.ts': WORKER['services/users/src/avatar.worker.ts'],
      },
      errors: [{ messageId: 'dualWrite', file: 'services/users/src/signup.ts', ...at(signUp(WAITS).text, 'add') }],
    },
  ],
});
