/**
 * dual-write: a job the service gives itself. A job on the service's own job queue enqueued
 * before the write is not reported: no other service acts on the unsaved change. Let go of (not
 * awaited) and with a caller-chosen id, it is a background refresh and does not announce a later
 * write of its caller either. The same job after the write, or on a queue another service works,
 * is still a dual write.
 */
import { runRuleTests } from '../support/ruleTester';

/** The portfolio service works its own "profiles" queue. */
const WORKER = {
  'services/portfolio/src/worker.ts': `import { Worker } from 'bullmq';

export const worker = new Worker('profiles', async (job) => {
  await fetch('https://data.example.com/profiles/refresh', { method: 'POST', body: JSON.stringify({ symbol: job.data.symbol }) });
});
`,
};

/** A job queue wrapper of the portfolio service (lines 1-12): the job options come from its callers. */
const GATHERING = {
  'services/portfolio/src/gathering.ts': `import { Queue, type JobsOptions } from 'bullmq';

const profiles = new Queue('profiles');

export class GatheringService {
  async addJob({ data, name, opts }: { data: unknown; name: string; opts?: JobsOptions }) {
    return profiles.add(name, data, opts);
  }
}

export const gathering = new GatheringService();
`,
};

const HEAD = `import { PrismaClient } from '@prisma/client';
import { gathering } from './gathering';

const prisma = new PrismaClient();
`;

runRuleTests('dual-write', {
  valid: [
    {
      name: 'a profile refresh on the own queue, let go with a deterministic jobId, before the order insert',
      files: {
        ...WORKER,
        ...GATHERING,
        'services/portfolio/src/activities.ts': `${HEAD}
export async function createActivity(symbol: string, accountId: string, quantity: number) {
  gathering.addJob({ data: { symbol }, name: 'GATHER_ASSET_PROFILE', opts: { attempts: 3, jobId: \`profile-\${symbol}\` } });
  return prisma.order.create({ data: { symbol, accountId, quantity } });
}
`,
      },
    },
    {
      name: 'a cache warm-up started with void, enqueued with the cache key as jobId, before the user update',
      files: {
        ...WORKER,
        'services/portfolio/src/auth.ts': `import { PrismaClient } from '@prisma/client';
import { Queue } from 'bullmq';

const prisma = new PrismaClient();
const profiles = new Queue('profiles');

async function warmUp(userId: string) {
  try {
    await profiles.add('snapshot', { userId }, { jobId: \`snapshot-\${userId}\` });
  } catch {
    // a missed warm-up only costs the first request its cache
  }
}

export async function challenge(userId: string, challenge: string) {
  void warmUp(userId);
  await prisma.user.update({ where: { id: userId }, data: { authChallenge: challenge } });
}
`,
      },
    },
    {
      name: 'a caller that writes, then calls the function that lets the refresh go ahead of its own insert',
      files: {
        ...WORKER,
        ...GATHERING,
        'services/portfolio/src/activities.ts': `${HEAD}
export async function createActivity(symbol: string, accountId: string, quantity: number) {
  gathering.addJob({ data: { symbol }, name: 'GATHER_ASSET_PROFILE', opts: { jobId: \`profile-\${symbol}\` } });
  return prisma.order.create({ data: { symbol, accountId, quantity } });
}

export async function importActivities(accountId: string, rows: { symbol: string; quantity: number }[]) {
  await prisma.marketData.createMany({ data: rows.map((r) => ({ symbol: r.symbol })) });
  for (const row of rows) await createActivity(row.symbol, accountId, row.quantity);
}
`,
      },
    },
    {
      name: 'the same refresh awaited before the insert: the own worker may run on an unsaved order, but no other service acts on it',
      files: {
        ...WORKER,
        ...GATHERING,
        'services/portfolio/src/activities.ts': `${HEAD}
export async function createActivity(symbol: string, accountId: string, quantity: number) {
  await gathering.addJob({ data: { symbol }, name: 'GATHER_ASSET_PROFILE', opts: { jobId: \`profile-\${symbol}\` } });
  return prisma.order.create({ data: { symbol, accountId, quantity } });
}
`,
      },
    },
    {
      name: 'let go before the insert with a random jobId: still a job only this service works',
      files: {
        ...WORKER,
        ...GATHERING,
        'services/portfolio/src/activities.ts': `${HEAD}
export async function createActivity(symbol: string, accountId: string, quantity: number) {
  gathering.addJob({ data: { symbol }, name: 'GATHER_ASSET_PROFILE', opts: { jobId: crypto.randomUUID() } });
  return prisma.order.create({ data: { symbol, accountId, quantity } });
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'let go with a deterministic jobId but after the insert: the job for a saved order can be lost',
      files: {
        ...WORKER,
        ...GATHERING,
        'services/portfolio/src/activities.ts': `${HEAD}
export async function createActivity(symbol: string, accountId: string, quantity: number) {
  const order = await prisma.order.create({ data: { symbol, accountId, quantity } });
  gathering.addJob({ data: { orderId: order.id }, name: 'CONFIRM_ORDER', opts: { jobId: \`confirm-\${order.id}\` } });
  return order;
}
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/portfolio/src/activities.ts', line: 8, column: 13 }],
    },
    {
      name: 'a caller that writes, then calls a function that only lets the job go: the job follows the write',
      files: {
        ...WORKER,
        ...GATHERING,
        'services/portfolio/src/activities.ts': `${HEAD}
export function refreshProfile(symbol: string) {
  gathering.addJob({ data: { symbol }, name: 'GATHER_ASSET_PROFILE', opts: { jobId: \`profile-\${symbol}\` } });
}

export async function createActivity(symbol: string, accountId: string, quantity: number) {
  await prisma.order.create({ data: { symbol, accountId, quantity } });
  refreshProfile(symbol);
}
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/portfolio/src/activities.ts', line: 12, column: 3 }],
    },
    {
      name: 'let go with a deterministic jobId before the insert, on a queue another service works',
      files: {
        'services/pricing/src/worker.ts': `import { Worker } from 'bullmq';

export const worker = new Worker('profiles', async (job) => {
  console.log('pricing', job.data.symbol);
});
`,
        ...GATHERING,
        'services/portfolio/src/activities.ts': `${HEAD}
export async function createActivity(symbol: string, accountId: string, quantity: number) {
  gathering.addJob({ data: { symbol }, name: 'GATHER_ASSET_PROFILE', opts: { jobId: \`profile-\${symbol}\` } });
  return prisma.order.create({ data: { symbol, accountId, quantity } });
}
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/portfolio/src/activities.ts', line: 7, column: 13 }],
    },
  ],
});
