/**
 * dual-write and recurring jobs: registering a repeatable job or a BullMQ job scheduler after a write
 * (`queue.upsertJobScheduler(id, { every }, { name, data })`, `queue.add(name, data, { repeat })`) sets
 * up recurring work, not an event about the change: registering it again is a no-op, and services
 * usually re-register their schedules at start. Found on sourcebot (packages/backend/src/api.ts,
 * configManager.ts: a repo or connection saved, then its sync scheduled). A one-off job added after
 * the write is still a dual write.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

/** A connection is saved (line 8), then `enqueue` runs (line 9). */
const flow = (enqueue: string) => lines(
  "import { Queue } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  "const syncQueue = new Queue('connection-sync');",
  '',
  'export async function createConnection(name: string, intervalMs: number) {',
  '  const connection = await prisma.connection.create({ data: { name } });',
  `  ${enqueue}`,
  '  return connection;',
  '}',
);

const FILE = 'services/backend/src/connections.ts';
const ONCE = flow("await syncQueue.add('sync', { connectionId: connection.id });");

runRuleTests('dual-write', {
  valid: [
    { name: 'a job scheduler registered after the write', files: { [FILE]: flow("await syncQueue.upsertJobScheduler(`sync-${connection.id}`, { every: intervalMs }, { name: 'sync', data: { connectionId: connection.id } });") } },
    { name: 'a repeatable job added after the write', files: { [FILE]: flow("await syncQueue.add('sync', { connectionId: connection.id }, { repeat: { every: intervalMs } });") } },
  ],
  invalid: [
    { name: 'a one-off job added after the write', files: { [FILE]: ONCE }, errors: [{ messageId: 'dualWrite', file: FILE, ...at(ONCE, 'add(') }] },
  ],
});
