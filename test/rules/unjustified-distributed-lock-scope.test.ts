/**
 * unjustified-distributed-lock and shared code: a lock helper in a shared-code folder (`libs/`,
 * `packages/`) outside every deployable is reported only when some deployable runs it (imports what
 * declares it, or calls it). Code outside every known deployable elsewhere is still reported.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const ROOT_PACKAGE = JSON.stringify({ name: 'acme', private: true, workspaces: ['services/*', 'libs/*'] }, null, 2);

/** `@acme/common`: a barrel exporting a constant and a lock helper (the lock on line 6 of lock.ts). */
const COMMON = {
  'package.json': ROOT_PACKAGE,
  'libs/common/package.json': JSON.stringify({ name: '@acme/common', version: '1.0.0', main: 'src/index.ts' }),
  'libs/common/src/index.ts': lines("export * from './lock';", "export * from './constants';"),
  'libs/common/src/constants.ts': lines("export const SEAT_TTL_SECONDS = 600;"),
  'libs/common/src/lock.ts': lines(
    "import Redis from 'ioredis';", //                                                          1
    '', //                                                                                      2
    'const redis = new Redis(process.env.REDIS_URL!);', //                                     3
    '', //                                                                                      4
    'export async function withSeatLock(seatId: string, fn: () => Promise<void>) {', //       5
    "  const ok = await redis.set(`lock:seat:${seatId}`, '1', 'PX', 5000, 'NX');", //          6
    '  if (ok !== \'OK\') throw new Error(\'busy\');', //                                       7
    '  try { await fn(); } finally { await redis.del(`lock:seat:${seatId}`); }', //             8
    '}', //                                                                                     9
  ),
  'services/booking/package.json': JSON.stringify({ name: 'booking', version: '1.0.0', dependencies: { '@acme/common': '*' } }),
};

runRuleTests('unjustified-distributed-lock', {
  valid: [
    {
      name: 'a lock helper in a shared library that no deployable imports or calls: nothing takes that lock',
      files: {
        ...COMMON,
        'services/booking/src/main.ts': lines(
          "import { SEAT_TTL_SECONDS } from '@acme/common';",
          'export const ttl = SEAT_TTL_SECONDS;',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'the same helper, imported and called by a deployable: reported at the lock, with the caller\'s call as related location',
      files: {
        ...COMMON,
        'services/booking/src/main.ts': lines(
          "import { withSeatLock } from '@acme/common';", //              1
          'export async function reserve(seatId: string) {', //          2
          '  await withSeatLock(seatId, async () => undefined);', //     3
          '}', //                                                         4
        ),
      },
      errors: [{ messageId: 'lock', file: 'libs/common/src/lock.ts', line: 6, column: 26, related: ['services/booking/src/main.ts:3:9 the same lock taken here through `withSeatLock`'] }],
    },
    {
      name: 'a lock outside every known deployable but not in a shared-code folder (a root app the layout did not recognize): still reported',
      files: {
        ...COMMON,
        'services/booking/src/main.ts': lines("export const name = 'booking';"),
        'src/lib/lock.ts': COMMON['libs/common/src/lock.ts'],
      },
      errors: [{ messageId: 'lock', file: 'src/lib/lock.ts', line: 6, column: 26 }],
    },
  ],
});
