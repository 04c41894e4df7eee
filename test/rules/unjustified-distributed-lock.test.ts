import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A Redlock (v5) client built on ioredis; `redlock.<call>` sits on line 5. */
const redlockFile = (call: string) => lines(
  "import Redis from 'ioredis';",
  "import Redlock from 'redlock';",
  'const redlock = new Redlock([new Redis(process.env.REDIS_URL!)]);',
  'export async function settle(batchId: string) {',
  `  ${call}`,
  '}',
);

const settleLock = redlockFile("await redlock.using([`lock:settle:${batchId}`], 5000, async () => undefined);");

const services = lines(
  'services:',
  '  ledger:',
  '    paths: [services/ledger]',
  '  billing:',
  '    paths: [services/billing]',
);

const keyBuilt = (prefix: string) => lines(
  "import Redis from 'ioredis';",
  'const redis = new Redis();',
  `function lockKey(team: number, key: string) { return \`${prefix}:\${team}:\${key}\`; }`,
  'export async function acquire(team: number, key: string) {',
  "  return (await redis.set(lockKey(team, key), '1', 'EX', 60, 'NX')) === 'OK';",
  '}',
);

runRuleTests('unjustified-distributed-lock', {
  valid: [
    {
      name: 'the in-flight marker of an idempotency record (a key builder returning `idemlock:...`) is a dedupe guard, not a lock',
      code: keyBuilt('idemlock'),
    },
    {
      name: 'SET processed:<id> 1 EX 86400 NX is a dedupe guard on the message, not a lock',
      code: lines(
        "import Redis from 'ioredis';",
        'const redis = new Redis();',
        'export async function seen(messageId: string) {',
        "  return (await redis.set(`processed:${messageId}`, '1', 'EX', 86400, 'NX')) === 'OK';",
        '}',
      ),
    },
    {
      name: 'an untyped receiver\'s set(k, v) without Redis\'s NX and EX flags is not recognized (a Map, a cache wrapper)',
      code: lines(
        'export class LockTable {',
        '  constructor(private readonly store: any) {}',
        '  tryLock(key: string) {',
        "    return this.store.set(key, 'held', 'NX');",
        '  }',
        '}',
      ),
    },
    {
      name: 'SET NX with EX on an untyped client in a function that records a message as seen is a dedupe guard, not a lock',
      code: lines(
        'module.exports = function markSeen(rclient, messageId) {',
        "  return rclient.set('seen:' + messageId, '1', 'EX', 86400, 'NX');",
        '};',
      ),
    },
    {
      name: 'a SET NX in a lock-named function that names an idempotency record is a guard',
      code: lines(
        "import Redis from 'ioredis';",
        'const redis = new Redis();',
        'export async function lockIdempotencyKey(key: string) {',
        "  return (await redis.set(key, '1', 'EX', 60, 'NX')) === 'OK';",
        '}',
      ),
    },
    {
      name: 'SET on a lock-named key without NX is a plain write',
      code: lines(
        "import Redis from 'ioredis';",
        'const redis = new Redis();',
        'export async function touch(token: string) {',
        "  await redis.set('lock:order:1', token, 'PX', 30000);",
        '}',
      ),
    },
    {
      name: "node-redis SET with { EX } but no NX is not a lock",
      code: lines(
        "import { createClient } from 'redis';",
        'const client = createClient({ url: process.env.REDIS_URL });',
        'export async function heartbeat(v: string) {',
        "  await client.set('leader:heartbeat', v, { EX: 30 });",
        '}',
      ),
    },
    {
      name: "a project's own Redlock class is not the redlock library",
      files: {
        'src/lock.ts': lines(
          'export class Redlock {',
          '  async acquire(keys: string[], ttl: number) { return { keys, ttl }; }',
          '}',
        ),
        'src/index.ts': lines(
          "import { Redlock } from './lock';",
          'const redlock = new Redlock();',
          "export const run = () => redlock.acquire(['lock:x'], 5000);",
        ),
      },
    },
    {
      name: 'a SET NX on an object that is not a Redis client (an in-memory cache) is ignored',
      code: lines(
        'const cache = { set: (..._args: unknown[]) => true };',
        "export const run = (token: string) => cache.set('lock:order:1', token, 'PX', 30000, 'NX');",
      ),
    },
    {
      name: 'an advisory-lock function named in a log string is not a query',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        'export async function report() {',
        "  console.log('we no longer call pg_advisory_lock(1) here');",
        "  return pool.query('SELECT id FROM jobs WHERE locked_at IS NULL');",
        '}',
      ),
    },
    {
      name: 'justified by a decision naming the file',
      files: {
        'services/ledger/src/settle.ts': settleLock,
        'architecture.yaml': lines(
          'decisions:',
          '  - flow: nightly-settlement',
          '    pattern: distributed-lock',
          '    justification: "one settlement run at a time; the ledger checks the fencing token"',
          '    paths: [services/ledger/src/settle.ts]',
        ),
      },
    },
    {
      name: 'justified by a decision naming the folder',
      files: {
        'services/ledger/src/jobs/settle.ts': settleLock,
        'architecture.yaml': lines(
          'decisions:',
          '  - flow: nightly-settlement',
          '    pattern: distributed-lock',
          '    justification: "one settlement run at a time; the ledger checks the fencing token"',
          '    paths: [services/ledger/src/jobs/]',
        ),
      },
    },
    {
      name: 'justified by a decision with a glob',
      files: {
        'services/ledger/src/jobs/settle.job.ts': settleLock,
        'architecture.yaml': lines(
          'decisions:',
          '  - flow: scheduled-jobs',
          '    pattern: distributed-lock',
          '    justification: "cron runs on every replica; only one may execute each job"',
          "    paths: ['services/*/src/**/*.job.ts']",
        ),
      },
    },
    {
      name: 'justified by a decision naming the service',
      files: {
        'services/ledger/src/settle.ts': settleLock,
        'architecture.yaml': services + lines(
          'decisions:',
          '  - flow: nightly-settlement',
          '    pattern: distributed-lock',
          '    justification: "one settlement run at a time; the ledger checks the fencing token"',
          '    services: [ledger]',
        ),
      },
    },
    {
      name: 'releasing an advisory lock and reading a mutex key are not acquiring a lock',
      code: lines(
        "import { Pool } from 'pg';",
        "import Redis from 'ioredis';",
        'const pool = new Pool();',
        'const redis = new Redis();',
        'export async function inspect() {',
        "  await pool.query('SELECT pg_advisory_unlock_all()');",
        "  return redis.get('scheduler:mutex');",
        '}',
      ),
    },
    {
      name: 'in-process async-mutex is not a distributed lock',
      code: lines(
        "import { Mutex } from 'async-mutex';",
        'const mutex = new Mutex();',
        'export const run = () => mutex.runExclusive(async () => 1);',
      ),
    },
    {
      name: 'a disable comment with a reason silences the lock on the next line',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        'export async function migrate() {',
        '  // distributed-patterns-disable-next-line unjustified-distributed-lock -- migrations run once per deploy, serialised by the advisory lock',
        "  await pool.query('SELECT pg_advisory_lock(7243)');",
        '}',
      ),
    },
  ],
  invalid: [
    {
      name: 'a key builder returning a lock key: read from what it returns, reported with the key as written',
      code: keyBuilt('settle-lock'),
      errors: [{ messageId: 'lock', line: 5, column: 23, messageIncludes: 'Distributed lock `SET lockKey(team, key) NX with expiry`' }],
    },
    {
      name: 'SET NX EX on a client the analysis cannot type (a JavaScript wrapper), in a class named for a lock: recognized by its flags, the message says so',
      code: lines(
        'module.exports = class RedisLocker {',
        '  constructor({ rclient, getKey }) { this.rclient = rclient; this.getKey = getKey; }',
        '  tryLock(id, callback) {',
        '    const key = this.getKey(id);',
        "    this.rclient.set(key, 'token', 'EX', 30, 'NX', callback);",
        '  }',
        '};',
      ),
      errors: [{ messageId: 'lock', line: 5, column: 18, messageIncludes: 'Distributed lock `SET key NX with expiry (a Redis SET by its NX/EX arguments; the client\'s type is not known)`' }],
    },
    {
      name: 'SET NX on a key that does not say lock, taken by a function assigned as tryLock: a lock by the code\'s own name',
      code: lines(
        "import Redis from 'ioredis';",
        'const rclient = new Redis();',
        'const impl: Record<string, (key: string) => Promise<unknown>> = {};',
        'impl.tryLock = async (key: string) => {',
        "  return rclient.set(key, 'token', 'EX', 30, 'NX');",
        '};',
      ),
      errors: [{ messageId: 'lock', line: 5, column: 18, messageIncludes: 'Distributed lock `SET key NX with expiry`' }],
    },
    {
      name: 'ioredfour: a lock object built by a method of the class, then waitAcquireLock',
      code: lines(
        "const Lock = require('ioredfour');",
        'class Account {',
        "  getLock() { return new Lock({ redis: process.env.REDIS_URL, namespace: 'ee-lock' }); }",
        '  async update(id) {',
        '    const updated = await this.getLock().waitAcquireLock(`account:update:${id}`, 10000, 5000);',
        '    return updated;',
        '  }',
        '}',
        'module.exports = Account;',
      ),
      errors: [{ messageId: 'lock', line: 5, column: 42, messageIncludes: 'Distributed lock `redfour waitAcquireLock(account:update:?)`' }],
    },
    {
      name: 'redlock.acquire (v5)',
      code: redlockFile("const lock = await redlock.acquire(['lock:x'], 5000); await lock.release();"),
      errors: [{ messageId: 'lock', line: 5, column: 30 }],
    },
    {
      name: 'redlock.using',
      code: settleLock,
      errors: [{ messageId: 'lock', line: 5, column: 17 }],
    },
    {
      name: 'redlock v4 lock() through require',
      code: lines(
        "const Redlock = require('redlock');",
        "const Redis = require('ioredis');",
        'const redlock = new Redlock([new Redis()], { retryCount: 3 });',
        'export async function run() {',
        "  const lock = await redlock.lock('locks:inventory', 1000);",
        '  return lock;',
        '}',
      ),
      errors: [{ messageId: 'lock', line: 5, column: 30 }],
    },
    {
      name: '@sesamecare-oss/redlock',
      code: lines(
        "import Redis from 'ioredis';",
        "import { Redlock } from '@sesamecare-oss/redlock';",
        'const redlock = new Redlock([new Redis()]);',
        'export async function run() {',
        "  await redlock.using(['lock:y'], 5000, async () => undefined);",
        '}',
      ),
      errors: [{ messageId: 'lock', line: 5, column: 17 }],
    },
    {
      name: "ioredis SET lock:order:1 token 'PX' 30000 'NX'",
      code: lines(
        "import Redis from 'ioredis';",
        'const redis = new Redis();',
        'export async function reserve(token: string) {',
        "  return redis.set('lock:order:1', token, 'PX', 30000, 'NX');",
        '}',
      ),
      errors: [{ messageId: 'lock', line: 4, column: 16 }],
    },
    {
      name: 'node-redis set with { NX: true, PX: 30000 }',
      code: lines(
        "import { createClient } from 'redis';",
        'const client = createClient({ url: process.env.REDIS_URL });',
        'export async function reserve(v: string) {',
        "  await client.set('lock:x', v, { NX: true, PX: 30000 });",
        '}',
      ),
      errors: [{ messageId: 'lock', line: 4, column: 16 }],
    },
    {
      name: 'ioredis setnx on a mutex key, through an injected client',
      code: lines(
        "import type { Redis } from 'ioredis';",
        'export class Scheduler {',
        '  constructor(private readonly redis: Redis) {}',
        '  async tick() {',
        "    if (await this.redis.setnx('scheduler:mutex', String(process.pid))) return true;",
        '    return false;',
        '  }',
        '}',
      ),
      errors: [{ messageId: 'lock', line: 5, column: 26 }],
    },
    {
      name: 'pg_advisory_lock',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        'export async function migrate() {',
        "  await pool.query('SELECT pg_advisory_lock(7243)');",
        '}',
      ),
      errors: [{ messageId: 'databaseLock', line: 4, column: 14 }],
    },
    {
      name: 'pg_try_advisory_xact_lock inside a transaction on a pooled client',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
        'export async function runJob(jobId: string) {',
        '  const client = await pool.connect();',
        "  await client.query('BEGIN');",
        "  const { rows } = await client.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [jobId]);",
        "  await client.query('COMMIT');",
        '  return rows[0].ok;',
        '}',
      ),
      errors: [{ messageId: 'databaseLock', line: 6, column: 33 }],
    },
    {
      name: 'MySQL GET_LOCK through mysql2/promise',
      code: lines(
        "import mysql from 'mysql2/promise';",
        'const db = mysql.createPool({ uri: process.env.DATABASE_URL });',
        'export async function runOnce() {',
        '  const [rows] = await db.query("SELECT GET_LOCK(\'nightly-export\', 10) AS got");',
        '  return rows;',
        '}',
      ),
      errors: [{ messageId: 'databaseLock', line: 4, column: 27 }],
    },
    {
      name: 'pg_advisory_xact_lock through Prisma $queryRaw',
      code: lines(
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'export async function run(key: number) {',
        '  await prisma.$queryRaw`SELECT pg_advisory_xact_lock(${key})`;',
        '}',
      ),
      errors: [{ messageId: 'databaseLock', line: 4, column: 16 }],
    },
    {
      name: 'redis-semaphore Mutex held in a class field',
      code: lines(
        "import Redis from 'ioredis';",
        "import { Mutex } from 'redis-semaphore';",
        'export class ReleaseTargetMutex {',
        '  private mutex: Mutex;',
        '  constructor(redis: Redis, id: string) {',
        '    this.mutex = new Mutex(redis, `release-target:${id}`);',
        '  }',
        '  async lock() {',
        '    await this.mutex.acquire();',
        '  }',
        '}',
      ),
      errors: [{ messageId: 'lock', line: 9, column: 22 }],
    },
    {
      name: 'simple-redis-mutex lock(redis, name)',
      code: lines(
        "const { lock } = require('simple-redis-mutex');",
        "const Redis = require('ioredis');",
        'const redis = new Redis(process.env.REDIS_URI);',
        'export async function critical() {',
        "  const unlock = await lock(redis, 'resource-name');",
        '  await unlock();',
        '}',
      ),
      errors: [{ messageId: 'lock', line: 5, column: 24 }],
    },
    {
      name: 'advisory-lock withLock and tryLock',
      code: lines(
        "import advisoryLock from 'advisory-lock';",
        "const mutex = advisoryLock(process.env.DATABASE_URL!)('nightly-report');",
        'export async function report(run: () => Promise<void>) {',
        '  await mutex.withLock(run);',
        '  if (await mutex.tryLock()) await run();',
        '}',
      ),
      errors: [
        { messageId: 'databaseLock', line: 4, column: 15 },
        { messageId: 'databaseLock', line: 5, column: 19 },
      ],
    },
    {
      name: 'pg-advisory-lock createMutex and destructured withLock',
      code: lines(
        "import { Pool } from 'pg';",
        "import { createAdvisoryLock } from 'pg-advisory-lock';",
        'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
        'const { createMutex, withLock } = createAdvisoryLock(pool);',
        'export async function migrate(run: () => Promise<void>) {',
        "  await withLock('migrations', run);",
        "  await createMutex('seed').withLock(run);",
        '}',
      ),
      errors: [
        { messageId: 'databaseLock', line: 6, column: 9 },
        { messageId: 'databaseLock', line: 7, column: 29 },
      ],
    },
    {
      name: 'pg_advisory_lock through a TypeORM data source',
      code: lines(
        "import { DataSource } from 'typeorm';",
        "const ds = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL });",
        "export const lockJobs = () => ds.query('SELECT pg_advisory_lock(hashtext($1))', ['jobs']);",
      ),
      errors: [{ messageId: 'databaseLock', line: 3, column: 34 }],
    },
    {
      name: 'a decision with an empty justification does not justify',
      files: {
        'services/ledger/src/settle.ts': settleLock,
        'architecture.yaml': lines(
          'decisions:',
          '  - flow: nightly-settlement',
          '    pattern: distributed-lock',
          '    justification: ""',
          '    paths: [services/ledger]',
        ),
      },
      errors: [{ messageId: 'lock', line: 5, column: 17 }],
    },
    {
      name: 'a decision about another pattern does not justify a lock',
      files: {
        'services/ledger/src/settle.ts': settleLock,
        'architecture.yaml': lines(
          'decisions:',
          '  - flow: nightly-settlement',
          '    pattern: two-phase-commit',
          '    justification: "regulator requires atomic postings"',
          '    paths: [services/ledger]',
        ),
      },
      errors: [{ messageId: 'lock', line: 5, column: 17 }],
    },
    {
      name: 'a decision for another service does not justify this one',
      files: {
        'services/billing/src/settle.ts': settleLock,
        'architecture.yaml': services + lines(
          'decisions:',
          '  - flow: nightly-settlement',
          '    pattern: distributed-lock',
          '    justification: "one settlement run at a time; the ledger checks the fencing token"',
          '    services: [ledger]',
        ),
      },
      errors: [{ messageId: 'lock', line: 5, column: 17 }],
    },
    {
      name: 'a disable comment for another rule does not silence the lock',
      code: lines(
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        'export async function migrate() {',
        '  // distributed-patterns-disable-next-line dual-write -- not a dual write',
        "  await pool.query('SELECT pg_advisory_lock(7243)');",
        '}',
      ),
      errors: [{ messageId: 'databaseLock', line: 5, column: 14, suppressed: false }],
    },
  ],
});
