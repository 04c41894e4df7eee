/**
 * Code nothing runs: in a deployable's own code, a method of a class in use (registered as a
 * provider) that nothing calls or refers to takes no lock, makes no dual write and sends no message. A method that is
 * called (even through an import the checker does not resolve: its name is read), a lifecycle hook of a library interface the class implements, a decorated route, or a class
 * nothing refers to at all (a library, an unfinished fixture) keeps its findings.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

/** A Nest-style Redis service (registered in the module) whose lock method is called by `caller`, or not. */
const lockService = (extra: string[] = [], caller = false) => {
  const text = lines(
    "import Redis from 'ioredis';", //                                                         1
    "import { OnModuleInit } from '@nestjs/common';", //                                     2
    'export class RedisService implements OnModuleInit {', //                                3
    '  private readonly redis = new Redis(process.env.REDIS_URL!);', //                       4
    '  async onModuleInit() {', //                                                            5
    ...extra,
    '  }', //
    '  async acquireLock(resource: string) {', //
    "    return this.redis.set(`lock:${resource}`, '1', 'PX', 5000, 'NX');", //
    '  }', //
    '}',
  );
  return {
    text,
    files: {
      'services/ai/package.json': JSON.stringify({ name: 'ai', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
      'services/ai/src/redis.service.ts': text,
      'services/ai/src/app.module.ts': lines("import { RedisService } from './redis.service';", 'export const providers = [RedisService];'),
      ...(caller ? { 'services/ai/src/jobs.ts': lines("import { RedisService } from './redis.service';", 'export async function run(redis: RedisService) {', "  await redis.acquireLock('nightly');", '}') } : {}),
    },
  };
};

/** The same service with a wrapper, `lockCall`, that takes the lock through `this.acquireLock` and runs a callback. */
const withWrapper = () => lockService(['  }', '  async lockCall(key: string, work: () => Promise<void>) {', '    await this.acquireLock(key);', '    await work();']);

runRuleTests('unjustified-distributed-lock', {
  valid: [
    { name: 'a lock method of a registered service that nothing calls', files: lockService().files },
    { name: 'a lock method called only by a sibling method (`this.acquireLock`) that nothing calls: dead with it', files: withWrapper().files },
    {
      name: 'the same method, while another service calls an acquireLock of its own: that call cannot reach this one',
      files: {
        ...lockService().files,
        'services/billing/package.json': JSON.stringify({ name: 'billing', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
        'services/billing/src/jobs.ts': lines('const locks = { acquireLock: async (key: string) => key };', 'export async function run() {', "  await locks.acquireLock('nightly');", '}'),
      },
    },
  ],
  invalid: [
    {
      name: 'the lock method called only by a sibling method that a job calls',
      files: {
        ...withWrapper().files,
        'services/ai/src/jobs.ts': lines("import { RedisService } from './redis.service';", 'export async function run(redis: RedisService) {', "  await redis.lockCall('nightly', async () => undefined);", '}'),
      },
      errors: [{ messageId: 'lock', file: 'services/ai/src/redis.service.ts', ...at(withWrapper().text, 'set(`lock') }],
    },
    {
      name: 'the same method, called by a job',
      files: lockService([], true).files,
      errors: [{ messageId: 'lock', file: 'services/ai/src/redis.service.ts', ...at(lockService().text, 'set(`lock') }],
    },
    {
      name: 'the same method, called through an import the checker does not resolve (a path alias): its name is read',
      files: {
        ...lockService().files,
        'services/ai/src/jobs.ts': lines("import { RedisService } from '@app/redis';", 'export async function run(redis: RedisService) {', "  await redis.acquireLock('nightly');", '}'),
      },
      errors: [{ messageId: 'lock', file: 'services/ai/src/redis.service.ts', ...at(lockService().text, 'set(`lock') }],
    },
    {
      name: 'a lock in the lifecycle hook the framework calls (a member of the interface the class implements)',
      files: lockService(["    await this.redis.set('lock:warmup', '1', 'PX', 5000, 'NX');"]).files,
      errors: [{ messageId: 'lock', file: 'services/ai/src/redis.service.ts', line: 6, column: 22 }],
    },
  ],
});

/** A collector service (registered) whose `collect` saves and emits; `callers` decides who calls it. */
const collector = (called: boolean) => ({
  'services/evidence/package.json': JSON.stringify({ name: 'evidence', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
  'services/evidence/src/collector.service.ts': lines(
    "import { PrismaClient } from '@prisma/client';", //                                                  1
    "import { Kafka } from 'kafkajs';", //                                                                2
    'const prisma = new PrismaClient();', //                                                              3
    "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();", //                            4
    'export class CollectorService {', //                                                                 5
    '  async collect(source: string) {', //                                                              6
    '    const evidence = await prisma.evidence.create({ data: { source } });', //                       7
    "    await producer.send({ topic: 'evidence.collected', messages: [{ key: evidence.id, value: source }] });", // 8
    '  }', //                                                                                             9
    '}', //                                                                                              10
  ),
  'services/evidence/src/app.module.ts': lines("import { CollectorService } from './collector.service';", 'export const providers = [CollectorService];'),
  ...(called ? { 'services/evidence/src/cron.ts': lines("import { CollectorService } from './collector.service';", 'export async function tick(c: CollectorService) {', "  await c.collect('azure');", '}') } : {}),
});

runRuleTests('dual-write', {
  valid: [
    { name: 'a method of a registered service that nothing calls makes no dual write', files: collector(false) },
  ],
  invalid: [
    {
      name: 'the same method, called from a scheduled job',
      files: collector(true),
      errors: [{ messageId: 'dualWrite', file: 'services/evidence/src/collector.service.ts', line: 8, column: 20 }],
    },
  ],
});

/**
 * An adapter implementing a port the workspace declares (`PaymentsClient`): its method is called through the port,
 * by name, like any other method; no framework calls it. `called` decides whether checkout calls it.
 */
const paymentsAdapter = (called: boolean) => ({
  'services/orders/package.json': JSON.stringify({ name: 'orders', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
  'services/orders/src/payments.port.ts': lines('export interface PaymentsClient {', '  charge(orderId: string): Promise<void>;', '}'),
  'services/orders/src/payments.client.ts': lines(
    "import { Kafka } from 'kafkajs';", //                                                                1
    "import type { PaymentsClient } from './payments.port';", //                                          2
    "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();", //                            3
    'export class KafkaPaymentsClient implements PaymentsClient {', //                                    4
    '  async charge(orderId: string) {', //                                                              5
    "    await producer.send({ topic: 'payment-requests', messages: [{ value: JSON.stringify({ orderId }) }] });", // 6
    '  }', //                                                                                             7
    '}', //                                                                                              8
  ),
  'services/orders/src/app.module.ts': lines("import { KafkaPaymentsClient } from './payments.client';", 'export const providers = [KafkaPaymentsClient];'),
  ...(called ? { 'services/orders/src/checkout.ts': lines("import type { PaymentsClient } from './payments.port';", 'export async function checkout(payments: PaymentsClient) {', "  await payments.charge('o-1');", '}') } : {}),
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'a send in a method of a port adapter that nothing calls (the port is the workspace\'s own) makes no hop', files: paymentsAdapter(false) },
  ],
  invalid: [
    {
      name: 'the same adapter method, called through the port',
      files: paymentsAdapter(true),
      errors: [{ messageId: 'missing', file: 'services/orders/src/payments.client.ts', line: 6, column: 20 }],
    },
  ],
});
