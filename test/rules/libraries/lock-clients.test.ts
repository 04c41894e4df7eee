/**
 * Lock clients reached the ways real services hold them: redlock-universal's lock handles, a
 * Redlock behind a class's static getter or declared as `InstanceType<typeof ns.default>`, a
 * Redis client typed through a workspace generic alias (`Optional<Redis>`), and a Prisma client
 * re-exported by a workspace package from generated code that is not committed.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const UNIVERSAL = lines(
  "import Redis from 'ioredis';",
  "import { createLock, IoredisAdapter } from 'redlock-universal';",
  'const adapter = new IoredisAdapter(new Redis());',
  'export async function rebuildIndex(room: string, work: () => Promise<void>) {',
  '  const lock = createLock({ adapter, key: `lock:room:${room}`, ttl: 5000 });',
  '  await lock.using(work);',
  '}',
);

const UNIVERSAL_RELEASE_ONLY = lines(
  "import Redis from 'ioredis';",
  "import { createLock, IoredisAdapter } from 'redlock-universal';",
  'const adapter = new IoredisAdapter(new Redis());',
  'export async function forceRelease(room: string) {',
  '  const lock = createLock({ adapter, key: `lock:room:${room}`, ttl: 5000 });',
  '  await lock.release();',
  '}',
);

const STATIC_GETTER = lines(
  "import Redis from 'ioredis';",
  "import Redlock from 'redlock';",
  'export class MutexLock {',
  '  private static redlock?: Redlock;',
  '  public static get lock(): Redlock {',
  '    if (!this.redlock) this.redlock = new Redlock([new Redis()]);',
  '    return this.redlock;',
  '  }',
  '  public static async acquire(resource: string, ttl: number) {',
  '    return this.lock.acquire([resource], ttl);',
  '  }',
  '}',
);

const INSTANCE_TYPE = lines(
  "import * as redlockModule from 'redlock';",
  'const Redlock = ((redlockModule as any).default ?? redlockModule) as typeof redlockModule.default;',
  'export class RunLocker {',
  '  private redlock: InstanceType<typeof redlockModule.default>;',
  '  constructor(redis: any) { this.redlock = new Redlock([redis]); }',
  '  async lockRuns(runIds: string[]) {',
  '    return this.redlock.acquire(runIds, 5000);',
  '  }',
  '}',
);

const OPTIONAL_ALIAS = lines(
  'export type Optional<T> = T | undefined;',
  'export type Box<T> = { value: T };',
);

const OPTIONAL_CLIENT = lines(
  "import { Redis } from 'ioredis';",
  "import type { Optional } from './types';",
  'let redisClient: Optional<Redis> = undefined;',
  'export function connect() { redisClient = new Redis(); }',
  'export async function getTaskLock(taskId: string) {',
  '  const lockKey = `listener_lock:${taskId}`;',
  "  return redisClient!.set(lockKey, '1', 'EX', 60, 'NX');",
  '}',
);

const BOXED_CLIENT = lines(
  "import { Redis } from 'ioredis';",
  "import type { Box } from './types';",
  'let boxed: Box<Redis> = { value: new Redis() };',
  'export async function getTaskLock(taskId: string) {',
  // NX alone: on a client it would be a lock; without EX or PX the untyped-receiver recognizer (SET's own grammar) stays out.
  "  return boxed.set(`listener_lock:${taskId}`, '1', 'NX');",
  '}',
);

const DATABASE_PACKAGE = {
  'packages/database/package.json': '{ "name": "@acme/database", "main": "./src/index.ts" }\n',
  'packages/database/src/index.ts': lines("export * from '../generated/prisma';", "export * from './helpers';"),
  'packages/database/src/helpers.ts': 'export const MAX_IN = 1000;\n',
};

const FLAG_FLIP = lines(
  "import type { PrismaClient } from '@acme/database';",
  'export async function flipGlobalFlag(client: PrismaClient) {',
  '  return client.$transaction(async (tx) => {',
  "    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('global-flag-flip'))`;",
  '  });',
  '}',
);

runRuleTests('unjustified-distributed-lock', {
  valid: [
    { name: 'releasing a redlock-universal lock takes none', code: UNIVERSAL_RELEASE_ONLY },
    {
      name: 'a generic alias that wraps its parameter in an object is not the client',
      files: { 'src/types.ts': OPTIONAL_ALIAS, 'src/listener.ts': BOXED_CLIENT },
    },
  ],
  invalid: [
    {
      name: 'redlock-universal: createLock(...).using(fn) is a lock across processes',
      code: UNIVERSAL,
      errors: [{ messageId: 'lock', ...at(UNIVERSAL, 'using(') }],
    },
    {
      name: 'a Redlock held behind a static getter with a declared return type',
      code: STATIC_GETTER,
      errors: [{ messageId: 'lock', ...at(STATIC_GETTER, 'acquire([') }],
    },
    {
      name: 'a Redlock member declared as `InstanceType<typeof redlockModule.default>`',
      code: INSTANCE_TYPE,
      errors: [{ messageId: 'lock', ...at(INSTANCE_TYPE, 'acquire(') }],
    },
    {
      name: 'a Redis client typed through a workspace alias `Optional<T> = T | undefined`',
      files: { 'src/types.ts': OPTIONAL_ALIAS, 'src/listener.ts': OPTIONAL_CLIENT },
      errors: [{ messageId: 'lock', file: 'src/listener.ts', ...at(OPTIONAL_CLIENT, 'set(') }],
    },
    {
      name: 'a Prisma client re-exported by a workspace package from generated code that is not committed',
      files: { ...DATABASE_PACKAGE, 'apps/web/src/flags.ts': FLAG_FLIP, 'apps/web/package.json': '{ "name": "web", "scripts": { "start": "node dist/main.js" } }\n' },
      errors: [{ messageId: 'databaseLock', file: 'apps/web/src/flags.ts', ...at(FLAG_FLIP, '$executeRaw') }],
    },
  ],
});
