/**
 * dual-write and a reconciler: a function the process runs by itself (at start, on a timer, as a NestJS
 * lifecycle hook) that sweeps the rows a flow left in an in-progress state, or queries the rows it wrote
 * and re-creates their recurring work, re-derives a send the flow lost, so the pair is not reported. Found on sourcebot (packages/backend/src/reconcileJobSchedulers.ts,
 * run at start, re-creates the sync scheduler of every stored connection) and notifybc
 * (src/observers/cron-tasks.service.ts: a cron re-drives broadcasts stuck in `state: 'sending'`). A
 * runner reading another table, sending elsewhere, queueing one-off work per row, sweeping another
 * state, or the flow itself run at start is not a reconciler: those are still reported. A row inserted with no
 * state starts in the column's default: a sweep that re-queues the rows still `PENDING` covers it, one that
 * selects another state or only deletes them does not.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const FLOW_FILE = 'services/backend/src/connections.ts';
/** A connection is saved, then its first sync queued. */
const FLOW = lines(
  "import { Queue } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'export const prisma = new PrismaClient();',
  "export const syncQueue = new Queue('connection-sync');",
  '',
  'export async function createConnection(name: string) {',
  '  const connection = await prisma.connection.create({ data: { name } });',
  "  await syncQueue.add('sync', { connectionId: connection.id });",
  '  return connection;',
  '}',
);

const START_FILE = 'services/backend/src/index.ts';
/** A module whose top-level code runs `reconcile`, which reads `table` and schedules a sync on `queue` for each row. */
const START = (table: string, queue = 'connection-sync', query = 'findMany({ select: { id: true } })') => lines(
  "import { Queue } from 'bullmq';",
  "import { prisma } from './connections';",
  '',
  `const queue = new Queue('${queue}');`,
  '',
  'async function reconcile() {',
  `  const rows = [await prisma.${table}.${query}].flat();`,
  '  for (const row of rows) {',
  "    await queue.upsertJobScheduler(`sync-${row.id}`, { every: 86400000 }, { name: 'sync', data: { connectionId: row.id } });",
  '  }',
  '}',
  '',
  'await reconcile();',
);

/** The flow itself runs at start (a config sync), and reads its own table first: that is no reconciler. */
const SELF_START = lines(
  "import { createConnection, prisma } from './connections';",
  '',
  'async function syncConfig(names: string[]) {',
  '  const known = await prisma.connection.findMany({ select: { name: true } });',
  '  for (const name of names) if (!known.some((k) => k.name === name)) await createConnection(name);',
  '}',
  '',
  "await syncConfig(['github']);",
);

const SWEEP_FLOW_FILE = 'services/notify/src/broadcasts.ts';
/** A broadcast is marked `sending`, then its dispatch job queued. */
const SWEEP_FLOW = lines(
  "import { Queue } from 'bullmq';",
  "import mongoose from 'mongoose';",
  '',
  "export const Notification = mongoose.model('Notification', new mongoose.Schema({ state: String }));",
  "const dispatch = new Queue('dispatch');",
  '',
  'export async function broadcast(id: string) {',
  "  await Notification.updateOne({ _id: id }, { $set: { state: 'sending' } });",
  "  await dispatch.add('broadcast', { id });",
  '}',
);

const SWEEPER_FILE = 'services/notify/src/cron.ts';
/** Every two minutes, the broadcasts left in `state` are driven again through the service's own API. */
const SWEEPER = (state: string) => lines(
  "import cron from 'node-cron';",
  "import { Notification } from './broadcasts';",
  '',
  "cron.schedule('*/2 * * * *', async () => {",
  `  const stuck = await Notification.find({ state: '${state}', updated: { $lt: Date.now() - 600000 } });`,
  '  for (const n of stuck) {',
  "    await fetch(`http://localhost:3000/notifications/${n.id}`, { method: 'PUT', body: JSON.stringify(n) });",
  '  }',
  '});',
);

/** The sweep is made by a factory method whose result a `CronJob` runs (`onTick: tasks.reDispatch()`). */
const SWEEPER_FACTORY = lines(
  "import { CronJob } from 'cron';",
  "import { Notification } from './broadcasts';",
  '',
  'class CronTasks {',
  '  reDispatch() {',
  '    return async () => {',
  "      const stuck = await Notification.find({ state: 'sending' });",
  "      for (const n of stuck) await fetch(`http://localhost:3000/notifications/${n.id}`, { method: 'PUT' });",
  '    };',
  '  }',
  '}',
  '',
  'const tasks = new CronTasks();',
  "CronJob.from({ cronTime: '*/2 * * * *', onTick: tasks.reDispatch(), start: true });",
);

/** A NestJS service whose `onModuleInit` re-creates every stored connection's sync schedule (or, `oneOff`, queues one sync each). */
const HOOK = (oneOff = false) => lines(
  "import { Injectable, OnModuleInit } from '@nestjs/common';",
  "import { Queue } from 'bullmq';",
  "import { prisma } from './connections';",
  '',
  "const queue = new Queue('connection-sync');",
  '',
  '@Injectable()',
  'export class SyncReconciler implements OnModuleInit {',
  '  async onModuleInit() {',
  '    for (const c of await prisma.connection.findMany()) {',
  oneOff ? "      await queue.add('sync', { connectionId: c.id });" : "      await queue.upsertJobScheduler(`sync-${c.id}`, { every: 86400000 }, { name: 'sync', data: { connectionId: c.id } });",
  '    }',
  '  }',
  '}',
);

const LEDGER_FILE = 'services/webhooks/src/ledger.ts';
/** A webhook message row is inserted with no status given (the column's default), then its delivery queued. */
const LEDGER = lines(
  "import { Queue } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'export const prisma = new PrismaClient();',
  "export const delivery = new Queue('webhook-delivery');",
  '',
  'export async function record(topic: string) {',
  '  const message = await prisma.outboundMessage.create({ data: { topic } });',
  "  await delivery.add('deliver', { messageId: message.id });",
  '}',
);

const LEDGER_SWEEP_FILE = 'services/webhooks/src/sweep.ts';
/** An hourly cron selects the messages still in `status` and queues their delivery again (or, `send` false, deletes them). */
const LEDGER_SWEEP = (status: string, send = true) => lines(
  "import cron from 'node-cron';",
  "import { delivery, prisma } from './ledger';",
  '',
  "cron.schedule('20 * * * *', async () => {",
  `  const orphans = await prisma.outboundMessage.findMany({ where: { status: '${status}', updatedAt: { lt: new Date(Date.now() - 3600000) } } });`,
  '  for (const m of orphans) {',
  send ? "    await delivery.add('deliver', { messageId: m.id });" : '    await prisma.outboundMessage.delete({ where: { id: m.id } });',
  '  }',
  '});',
);

const reported = { messageId: 'dualWrite', file: FLOW_FILE, ...at(FLOW, 'add(') };
const ledgerReported = { messageId: 'dualWrite', file: LEDGER_FILE, ...at(LEDGER, 'add(') };
const sweepReported = { messageId: 'dualWrite', file: SWEEP_FLOW_FILE, ...at(SWEEP_FLOW, 'add(') };

runRuleTests('dual-write', {
  valid: [
    { name: 'a reconciler run at start schedules a sync for every stored connection', files: { [FLOW_FILE]: FLOW, [START_FILE]: START('connection') } },
    { name: 'a cron sweeps the rows left in the state the flow wrote', files: { [SWEEP_FLOW_FILE]: SWEEP_FLOW, [SWEEPER_FILE]: SWEEPER('sending') } },
    { name: 'a CronJob runs the sweep a factory method returns', files: { [SWEEP_FLOW_FILE]: SWEEP_FLOW, [SWEEPER_FILE]: SWEEPER_FACTORY } },
    { name: 'an onModuleInit hook re-creates the schedule of every stored connection', files: { [FLOW_FILE]: FLOW, 'services/backend/src/sync.reconciler.ts': HOOK() } },
    { name: 'a cron re-queues the rows still PENDING, the state an inserted row starts in', files: { [LEDGER_FILE]: LEDGER, [LEDGER_SWEEP_FILE]: LEDGER_SWEEP('PENDING') } },
  ],
  invalid: [
    { name: 'the cron selects delivered rows, not the state a new row starts in', files: { [LEDGER_FILE]: LEDGER, [LEDGER_SWEEP_FILE]: LEDGER_SWEEP('DELIVERED') }, errors: [ledgerReported] },
    { name: 'the cron deletes the PENDING rows instead of sending them again', files: { [LEDGER_FILE]: LEDGER, [LEDGER_SWEEP_FILE]: LEDGER_SWEEP('PENDING', false) }, errors: [ledgerReported] },
    { name: 'the runner reads another table', files: { [FLOW_FILE]: FLOW, [START_FILE]: START('repo') }, errors: [reported] },
    { name: 'the runner sends to another queue', files: { [FLOW_FILE]: FLOW, [START_FILE]: START('connection', 'repo-index') }, errors: [reported] },
    { name: 'the runner looks up one row (a start-up seed), not the rows of the table', files: { [FLOW_FILE]: FLOW, [START_FILE]: START('connection', 'connection-sync', "findFirst({ where: { name: 'default' } })") }, errors: [reported] },
    { name: 'the runner queues one-off work for each stored row (a reminder), not the recurring work again', files: { [FLOW_FILE]: FLOW, 'services/backend/src/sync.reconciler.ts': HOOK(true) }, errors: [reported] },
    { name: 'the flow itself runs at start after reading its table', files: { [FLOW_FILE]: FLOW, [START_FILE]: SELF_START }, errors: [reported] },
    { name: 'the cron sweeps another state', files: { [SWEEP_FLOW_FILE]: SWEEP_FLOW, [SWEEPER_FILE]: SWEEPER('failed') }, errors: [sweepReported] },
  ],
});
