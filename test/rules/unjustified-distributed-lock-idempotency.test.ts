/**
 * unjustified-distributed-lock: a lock taken only to claim an idempotency key (a Redlock acquired and held until its
 * TTL by `lockIdempotencyKey`) is a deduplication, not a mutex. The same lock taken by another caller as well
 * (`lockWallet`) is a lock.
 */
import { runRuleTests } from '../support/ruleTester';

/** A lock service whose `timelock` (line 5) is called by `callers`. */
const lockService = (...callers: string[]) => ({
  'services/api/src/lock.ts': `import Redis from 'ioredis';
import Redlock from 'redlock';
const timelockClient = new Redlock([new Redis(process.env.REDIS_URL!)]);
export const timelock = async (resource: string, duration: number) =>
  timelockClient.acquire([resource], duration);
${callers.map((c) => `export const ${c} = async (key: string) => { await timelock(\`${c}:\${key}\`, 3600000); };`).join('\n')}
`,
});

runRuleTests('unjustified-distributed-lock', {
  valid: [
    { name: 'held only by lockIdempotencyKey', files: lockService('lockIdempotencyKey') },
  ],
  invalid: [
    {
      name: 'also taken by lockWallet',
      files: lockService('lockIdempotencyKey', 'lockWallet'),
      errors: [{ messageId: 'lock', file: 'services/api/src/lock.ts', line: 5, column: 18 }],
    },
  ],
});

/** A module that starts a one-off backfill from one process: a lease of `ttl`, then `after`. */
const backfillStart = (ttl: string, after = '') => ({
  'services/indexer/src/backfill.ts': `import Redis from 'ioredis';
import Redlock from 'redlock';
import { queue } from './queue';
const redlock = new Redlock([new Redis(process.env.REDIS_URL!)]);
redlock
  .acquire(['backfill-sales-lock'], ${ttl})
  .then(async (lock) => {
    await queue.add('start', {});${after}
  })
  .catch(() => {
    // another process started it
  });
`,
});

runRuleTests('unjustified-distributed-lock', {
  valid: [
    { name: 'a 30-day lease never released: a run-once marker', files: backfillStart('60 * 60 * 24 * 30 * 1000') },
  ],
  invalid: [
    {
      name: 'a lease of a few minutes around the work is a lock',
      files: backfillStart('(60 * 5 - 5) * 1000'),
      errors: [{ messageId: 'lock', file: 'services/indexer/src/backfill.ts', line: 6, column: 4 }],
    },
    {
      name: 'a long lease released when the work is done is a lock',
      files: backfillStart('60 * 60 * 24 * 30 * 1000', '\n    await lock.release();'),
      errors: [{ messageId: 'lock', file: 'services/indexer/src/backfill.ts', line: 6, column: 4 }],
    },
  ],
});
