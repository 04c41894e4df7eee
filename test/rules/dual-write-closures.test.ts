/**
 * dual-write: a function that hands closures back to its caller (returns them, returns the name
 * they are bound to, or returns them, or the names they are bound to, in an object literal) does not run them. Calling the factory
 * reaches none of their effects; calling a closure it returned does.
 */
import { runRuleTests } from '../support/ruleTester';

const HEAD = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();
`;

/** A publisher factory bound to a name and returned; `start` writes (line 16), then builds the publisher (and may call it, line 17). */
const publisherFactory = (start: string) => `${HEAD}
export function publisherFor(topic: string) {
  const publisher = async (data: string) => {
    await producer.send({ topic, messages: [{ value: data }] });
  };
  return publisher;
}

export async function start(id: string) {
  await prisma.order.create({ data: { id } });
${start}
}
`;

runRuleTests('dual-write', {
  valid: [
    {
      name: 'a factory that returns closures does not run them: calling it publishes nothing',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
function processorFor(id: string) {
  return {
    announce: async () => {
      await producer.send({ topic: 'orders.announced', messages: [{ key: id, value: id }] });
    },
    later: () => producer.send({ topic: 'orders.later', messages: [{ key: id, value: id }] }),
  };
}

export async function invite(id: string) {
  const processor = processorFor(id);
  await prisma.order.create({ data: { id } });
  return processor;
}
`,
      },
    },
    {
      name: 'closures bound to names and returned in an object literal ({ announce, close: stop }) are handed back',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
async function messengerFor(topic: string) {
  await producer.connect();
  const announce = async (id: string) => {
    await producer.send({ topic, messages: [{ key: id, value: id }] });
  };
  const stop = async () => producer.disconnect();
  return { announce, close: stop };
}

export async function boot(id: string) {
  await prisma.order.upsert({ where: { id }, create: { id }, update: {} });
  return messengerFor('orders.created');
}
`,
      },
    },
    {
      name: 'a closure bound to a name and returned is handed back: building the publisher publishes nothing',
      files: { 'services/orders/src/orders.ts': publisherFactory(`  const announce = publisherFor('orders.created');
  return announce;`) },
    },
    {
      name: 'a function declaration returned by name is handed back, as is a factory whose result is stored on an object',
      files: {
        'services/orders/src/collection.ts': `${HEAD}
export class SafeCollection {
  updateMany?: (id: string) => Promise<void>;

  init() {
    this.updateMany = this.updateManyFactory();
  }

  private updateManyFactory() {
    async function updateMany(id: string) {
      await prisma.order.updateMany({ where: { id }, data: { checked: true } });
    }
    return updateMany;
  }
}

export async function boot(id: string) {
  await producer.send({ topic: 'service.started', messages: [{ value: id }] });
  new SafeCollection().init();
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'a local closure defined before the write and called after it publishes after the write: one finding, at the call',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function webhook(id: string, kind: string) {
  const maybePublish = async (updated: { id: string } | null) => {
    if (!updated) return;
    await producer.send({ topic: 'payments.completed', messages: [{ key: updated.id, value: updated.id }] });
  };
  if (kind === 'completed') {
    const updated = await prisma.payment.update({ where: { id }, data: { status: 'COMPLETED' } });
    await maybePublish(updated);
  }
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 14, column: 11, messageIncludes: 'and publishes (`producer.send to "payments.completed"`), but' }],
    },
    {
      name: 'a local closure also handed on by name (forEach) stays where it is defined: its publish runs in the loop after the write',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function settle(ids: string[]) {
  await prisma.settlement.create({ data: { count: ids.length } });
  const announce = async (id: string) => {
    await producer.send({ topic: 'payments.settled', messages: [{ key: id, value: id }] });
  };
  ids.forEach(announce);
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 10, column: 20 }],
    },
    {
      name: 'the returned closure called where it was built: the publish runs after the write',
      files: { 'services/orders/src/orders.ts': publisherFactory(`  const announce = publisherFor('orders.created');
  await announce(id);`) },
      errors: [{ messageId: 'dualWrite', line: 17, column: 9 }],
    },
    {
      name: 'a factory that both returns its closure and calls it runs it',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export function publisherNow(topic: string) {
  const publisher = async (data: string) => {
    await producer.send({ topic, messages: [{ value: data }] });
  };
  void publisher('ready');
  return publisher;
}

export async function start(id: string) {
  await prisma.order.create({ data: { id } });
  publisherNow('orders.created');
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 17, column: 3 }],
    },
  ],
});
