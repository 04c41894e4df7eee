/**
 * non-idempotent-consumer: what a repeat costs. A handler registered only on telemetry channels
 * (an `analytics` queue) repeats a data point and is not reported; a handler whose only repeated
 * effect is an append-only row (an `OrderActivity` timeline entry) is not reported by default
 * (every such finding read on the corpus was judged a false alarm) and is information with
 * `reportAppendOnly`; a business queue with the same effects is an error.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

/** A BullMQ worker on `queue` whose processor runs `effect`. */
const worker = (queue: string, effect: string) => lines(
  "import { Worker } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  `export const worker = new Worker('${queue}', async (job) => {`,
  `  ${effect}`,
  "}, { connection: { host: 'redis', port: 6379 } });",
);

const TRACK = "await fetch('https://api.segment.io/v1/track', { method: 'POST', body: JSON.stringify(job.data) });";
const ACTIVITY = "await prisma.orderActivity.create({ data: { orderId: job.data.orderId, kind: job.data.kind } });";
const REPORT_APPEND_ONLY = { 'architecture.yaml': lines('version: 1', 'rules:', '  non-idempotent-consumer: [error, { reportAppendOnly: true }]') };

/** A logger class writing each action to a table not named as a log; a method that logs in a user is no logger. */
const LOGGER = lines(
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  'export class PhaseDbLoggerService {',
  '  async record(action: string, challengeId: string) {',
  '    await prisma.actions.create({ data: { action, challengeId } });',
  '  }',
  '}',
  '',
  'export class Sessions {',
  '  async loginUser(userId: string) {',
  '    await prisma.sessions.create({ data: { userId } });',
  '  }',
  '}',
);
const logged = (call: string) => lines(
  "import { Worker } from 'bullmq';",
  "import { PhaseDbLoggerService, Sessions } from './logger';",
  '',
  'const logger = new PhaseDbLoggerService();',
  'const sessions = new Sessions();',
  '',
  "export const worker = new Worker('phase-transitions', async (job) => {",
  `  ${call}`,
  "}, { connection: { host: 'redis', port: 6379 } });",
);
const LOGGED = logged("await logger.record('phase-closed', job.data.challengeId);");
const SESSION = logged('await sessions.loginUser(job.data.userId);');

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'only a row a logger class writes repeats: a record of what happened, whatever its table', files: { 'services/worker/src/logger.ts': LOGGER, 'services/worker/src/phases.ts': LOGGED } },
    { name: 'a worker of the analytics queue posting the event to an analytics API repeats a data point', files: { 'services/worker/src/analytics.ts': worker('analytics', TRACK) } },
    { name: 'only an OrderActivity timeline row repeats: not reported by default', files: { 'services/worker/src/orders.ts': worker('order-events', ACTIVITY) } },
  ],
  invalid: [
    {
      name: 'a method named loginUser is no logger',
      files: { 'services/worker/src/logger.ts': LOGGER, 'services/worker/src/phases.ts': SESSION },
      errors: [{ messageId: 'unguarded', file: 'services/worker/src/phases.ts', ...at(SESSION, 'Worker('), messageIncludes: 'sessions.create' }],
    },
    {
      name: 'the same POST from a worker of a business queue is an error',
      files: { 'services/worker/src/orders.ts': worker('order-events', TRACK) },
      errors: [{ messageId: 'unguarded', file: 'services/worker/src/orders.ts', ...at(worker('order-events', TRACK), 'Worker('), severity: 'error' }],
    },
    {
      name: 'only an OrderActivity timeline row repeats, with reportAppendOnly: information',
      files: { 'services/worker/src/orders.ts': worker('order-events', ACTIVITY), ...REPORT_APPEND_ONLY },
      errors: [{ messageId: 'unguarded', file: 'services/worker/src/orders.ts', ...at(worker('order-events', ACTIVITY), 'Worker('), severity: 'info' }],
    },
  ],
});
