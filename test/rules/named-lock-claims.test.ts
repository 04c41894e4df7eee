/**
 * A SET NX named a lock only by the function that takes it (`acquireLock(name)`, whose key does not
 * say lock) is both: a lock the lock rule asks to justify, and the claim of a key, which a handler that
 * takes it on its message's id before publishing uses to stop a repeat (non-idempotent-consumer).
 */
import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const code = lines(
  "import Redis from 'ioredis';",
  "import { Kafka } from 'kafkajs';",
  'const redis = new Redis();',
  "const kafka = new Kafka({ brokers: ['kafka:9092'] });",
  'const producer = kafka.producer();',
  "const consumer = kafka.consumer({ groupId: 'refunds' });",
  'export async function acquireLock(name: string, seconds: number) {',
  "  return (await redis.set(name, '1', 'EX', seconds, 'NX')) === 'OK';",
  '}',
  'export async function start() {',
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      const id = message.key!.toString();',
  '      if (!(await acquireLock(`refund:${id}`, 3600))) return;',
  "      await producer.send({ topic: 'refunds.issued', messages: [{ key: id, value: message.value, headers: { correlationId: id } }] });",
  '    },',
  '  });',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'the handler claims its message id through acquireLock before publishing', code }],
  invalid: [],
});

runRuleTests('unjustified-distributed-lock', {
  valid: [],
  invalid: [{ name: 'acquireLock is still a lock across processes', code, errors: [{ messageId: 'lock', line: 8, column: 23 }] }],
});
