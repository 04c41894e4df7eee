/**
 * dual-write: path sensitivity (exclusive branches, code that never runs,
 * order) and outbox integrity (an outbox row written outside the business
 * write's transaction).
 */
import { runRuleTests } from '../support/ruleTester';

const HEAD = `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();
`;

/** A NestJS service that calls the products service over a ClientProxy before writing (lines 1-10). */
const NEST_ORDERS_HEAD = `import { ClientProxy } from '@nestjs/microservices';
import { PrismaClient } from '@prisma/client';
import { firstValueFrom } from 'rxjs';

const prisma = new PrismaClient();

export class OrdersService {
  constructor(private readonly products: ClientProxy) {}

  async create(productId: string, quantity: number) {`;

const productsController = (body: string) => `import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

@Controller()
export class ProductsController {
  @MessagePattern('product.reserve-stock')
  async reserve(@Payload() body: { productId: string; quantity: number }) {
    ${body}
  }
}
`;

/** An orders service that writes, then sends a request (line 12) to the products service. */
const ordersThenRequest = `${NEST_ORDERS_HEAD}
    await prisma.order.create({ data: { productId, quantity } });
    return firstValueFrom(this.products.send('product.reserve-stock', { productId, quantity }));
  }
}
`;

/** A validator that publishes (itself, or through `sendAudit`) when the event is stale and then runs `tail`; its caller writes after it (line 16 or 19). */
const rejectStale = (tail: string, viaHelper = false) => ({
  'services/orders/src/orders.ts': `${HEAD}${viaHelper ? `
async function sendAudit(id: string) {
  await producer.send({ topic: 'orders.ignored', messages: [{ key: id, value: id }] });
}
` : ''}
async function rejectStale(id: string, at: number) {
  if (at < Date.now() - 60000) {
    ${viaHelper ? 'await sendAudit(id);' : "await producer.send({ topic: 'orders.ignored', messages: [{ key: id, value: id }] });"}
${tail}
  }
}

export async function apply(id: string, at: number) {
  await rejectStale(id, at);
  await prisma.order.update({ where: { id }, data: { appliedAt: new Date(at) } });
}
`,
});

runRuleTests('dual-write', {
  valid: [
    {
      name: 'outbox rows marked beside the business rows on the transaction the caller passes in (`{ transaction }`): the caller commits both',
      files: {
        'services/payments/src/outbound.ts': `import { Sequelize, DataTypes, type Transaction } from 'sequelize';

const sequelize = new Sequelize(process.env.DATABASE_URL!);
const Completed = sequelize.define('completed', { submitted: DataTypes.DATE });
const Outbox = sequelize.define('outbox', { submitted: DataTypes.DATE });

export async function markSubmitted(ids: number[], submitted: Date, transaction: Transaction) {
  await Completed.update({ submitted }, { where: { id: ids }, transaction });
  await Outbox.update({ submitted }, { where: { completedId: ids }, transaction });
}
`,
      },
    },
    {
      name: 'the same two calls down: the callee calls a publish helper and then always throws',
      files: rejectStale("    throw new Error('stale');", true),
    },
    {
      name: 'a callee that publishes and then always throws never returns to the caller\'s later write',
      files: rejectStale("    throw new Error('stale');"),
    },
    {
      name: 'write and publish on the two branches of one if/else',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function settle(id: string, paid: boolean) {
  if (paid) {
    await prisma.order.update({ where: { id }, data: { status: 'PAID' } });
  } else {
    await producer.send({ topic: 'orders.unpaid', messages: [{ key: id, value: id }] });
  }
}
`,
      },
    },
    {
      name: 'write and publish in switch cases that end with break or return',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function handle(kind: string, id: string) {
  switch (kind) {
    case 'save':
      await prisma.order.create({ data: { id } });
      break;
    case 'announce':
      await producer.send({ topic: 'orders', messages: [{ key: id, value: id }] });
      return;
    default:
      throw new Error(kind);
  }
}
`,
      },
    },
    {
      name: 'write and publish on the two arms of ? :',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export function route(local: boolean, id: string) {
  return local
    ? prisma.order.create({ data: { id } })
    : producer.send({ topic: 'orders.remote', messages: [{ key: id, value: id }] });
}
`,
      },
    },
    {
      name: 'an early return after the write: the publish below is another path',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function upsert(id: string, exists: boolean) {
  if (!exists) {
    await prisma.order.create({ data: { id } });
    return;
  }
  await producer.send({ topic: 'orders.seen', messages: [{ key: id, value: id }] });
}
`,
      },
    },
    {
      name: 'a publish on an error path that throws before the write',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function place(id: string, valid: boolean) {
  if (!valid) {
    await producer.send({ topic: 'orders.rejected', messages: [{ key: id, value: id }] });
    throw new Error('invalid order');
  }
  await prisma.order.create({ data: { id } });
}
`,
      },
    },
    {
      name: 'a dead-letter publish in the catch of the write: it runs only when the write failed',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function place(id: string) {
  try {
    await prisma.order.create({ data: { id } });
  } catch (err) {
    await producer.send({ topic: 'orders.dead-letter', messages: [{ key: id, value: String(err) }] });
  }
}
`,
      },
    },
    {
      name: 'a compensating write in the catch of the publish: it undoes nothing the publish did',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function announce(id: string) {
  try {
    await producer.send({ topic: 'orders.announced', messages: [{ key: id, value: id }] });
  } catch {
    await prisma.order.update({ where: { id }, data: { status: 'ANNOUNCE_FAILED' } });
  }
}
`,
      },
    },
    {
      name: 'an append-only log row beside a publish is a record, not the state the message announces',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function announce(id: string) {
  await prisma.actionLog.create({ data: { message: 'announcing ' + id } });
  await producer.send({ topic: 'orders.announced', messages: [{ key: id, value: id }] });
}
`,
      },
    },
    {
      name: 'an analytics event beside a write is a data point, not the change the write makes',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function ship(id: string) {
  await prisma.order.update({ where: { id }, data: { status: 'SHIPPED' } });
  await producer.send({ topic: 'orders.analytics', messages: [{ key: id, value: id }] });
}
`,
      },
    },
    {
      name: 'code after an unconditional return never runs',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function place(id: string) {
  await prisma.order.create({ data: { id } });
  return id;
  await producer.send({ topic: 'orders', messages: [{ key: id, value: id }] });
}
`,
      },
    },
    {
      name: 'continue in a loop: the write and the publish handle different items',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function sync(items: { id: string; local: boolean }[]) {
  for (const item of items) {
    if (item.local) {
      await prisma.order.upsert({ where: { id: item.id }, create: { id: item.id }, update: {} });
      continue;
    }
    await producer.send({ topic: 'orders.remote', messages: [{ key: item.id, value: item.id }] });
  }
}
`,
      },
    },
    {
      name: 'a write and a publish in two listener callbacks registered by one function are two flows',
      files: {
        'services/orders/src/listeners.ts': `${HEAD}
import { EventEmitter } from 'node:events';

export function wire(bus: EventEmitter) {
  bus.on('order.saved', async (id: string) => {
    await prisma.order.update({ where: { id }, data: { indexed: true } });
  });
  bus.on('order.shipped', async (id: string) => {
    await producer.send({ topic: 'orders.shipped', messages: [{ key: id, value: id }] });
  });
}
`,
      },
    },
    {
      name: 'a request (whatever its pattern is named) answered by a handler that only reads is a read over RPC',
      files: {
        'services/orders/src/orders.service.ts': ordersThenRequest,
        'services/products/src/products.controller.ts': productsController('return prisma.product.findUnique({ where: { id: body.productId } });'),
      },
    },
    {
      name: 'a NestJS request/response send from a query-named gateway method before the write is a read over RPC',
      files: {
        'services/wallets/src/withdraw.ts': `import { ClientKafka } from '@nestjs/microservices';
import { PrismaClient } from '@prisma/client';
import { firstValueFrom } from 'rxjs';

const prisma = new PrismaClient();

export class UserGateway {
  constructor(private readonly client: ClientKafka) {}

  getUserById(id: string) {
    return firstValueFrom(this.client.send('users.get-by-id', { id }));
  }
}

export async function requestWithdraw(users: UserGateway, userId: string, amount: number) {
  const user = await users.getUserById(userId);
  if (!user) throw new Error('unknown user');
  await prisma.withdrawRequest.create({ data: { userId, amount } });
}
`,
      },
    },
    {
      name: 'a NestJS TCP send whose object pattern asks ({ cmd: \'get_product_by_id\' }) before the write is a read over RPC',
      files: {
        'services/orders/src/orders.service.ts': `${NEST_ORDERS_HEAD}
    const product = await firstValueFrom(this.products.send({ cmd: 'get_product_by_id' }, { productId }));
    if (!product) throw new Error('unknown product');
    await prisma.order.create({ data: { productId, quantity } });
  }
}
`,
      },
    },
    {
      name: 'a NestJS Kafka send whose topic ends in a query segment (...-findCustomerStatus) before the write is a read over RPC',
      files: {
        'services/orders/src/orders.service.ts': `${NEST_ORDERS_HEAD}
    const status = await firstValueFrom(this.products.send('saga-topic-order-to-customer-findCustomerStatus', JSON.stringify({ productId })));
    if (!status) throw new Error('unknown customer');
    await prisma.order.create({ data: { productId, quantity } });
  }
}
`,
      },
    },
    {
      name: 'outbox row and business row on the transaction handle the caller passes in',
      files: {
        'services/orders/src/orders.ts': `import { Prisma } from '@prisma/client';

export async function placeIn(tx: Prisma.TransactionClient, id: string) {
  await tx.order.create({ data: { id } });
  await tx.outboxEvent.create({ data: { type: 'OrderPlaced', payload: { id } } });
}
`,
      },
    },
    {
      name: 'outbox row and business row in one TypeORM dataSource.transaction callback',
      files: {
        'services/orders/src/orders.ts': `import { DataSource } from 'typeorm';

export async function place(dataSource: DataSource, id: string) {
  await dataSource.transaction(async (manager) => {
    await manager.save('Order', { id });
    await manager.save('OutboxMessage', { type: 'OrderPlaced', payload: { id } });
  });
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'a callee that publishes and may return first (a return before its throw) still precedes the write',
      files: rejectStale("    if (id.startsWith('x')) return;\n    throw new Error('stale');"),
      errors: [{ messageId: 'dualWrite', line: 16, column: 9 }],
    },
    {
      name: 'a request whose handler changes state after the write is reported',
      files: {
        'services/orders/src/orders.service.ts': ordersThenRequest,
        'services/products/src/products.controller.ts': productsController('return prisma.product.update({ where: { id: body.productId }, data: { stock: { decrement: body.quantity } } });'),
      },
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.service.ts', line: 12, column: 41 }],
    },
    {
      name: 'a switch case that falls through from the write to the publish',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function handle(kind: string, id: string) {
  switch (kind) {
    case 'save':
      await prisma.order.create({ data: { id } });
    case 'announce':
      await producer.send({ topic: 'orders', messages: [{ key: id, value: id }] });
      break;
  }
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 12, column: 22 }],
    },
    {
      name: 'the write is conditional, the publish always runs: one path has both',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function touch(id: string, changed: boolean) {
  if (changed) await prisma.order.update({ where: { id }, data: { status: 'CHANGED' } });
  await producer.send({ topic: 'orders.touched', messages: [{ key: id, value: id }] });
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 9, column: 18 }],
    },
    {
      name: 'write and publish in one try block: the catch does not make them one commit',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function place(id: string) {
  try {
    await prisma.order.create({ data: { id } });
    await producer.send({ topic: 'orders.placed', messages: [{ key: id, value: id }] });
  } catch (err) {
    console.error(err);
  }
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 10, column: 20 }],
    },
    {
      name: 'a returned closure that writes and publishes is a flow of its own',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export function placeHandler() {
  return async (id: string) => {
    await prisma.order.create({ data: { id } });
    await producer.send({ topic: 'orders.placed', messages: [{ key: id, value: id }] });
  };
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 10, column: 20 }],
    },
    {
      name: 'a state write and a log row: the state write is the one reported',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function ship(id: string) {
  await prisma.order.update({ where: { id }, data: { status: 'SHIPPED' } });
  await prisma.auditEntry.create({ data: { message: 'shipped ' + id } });
  await producer.send({ topic: 'orders.shipped', messages: [{ key: id, value: id }] });
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 10, column: 18, messageIncludes: 'prisma.order.update' }],
    },
    {
      name: 'a NestJS TCP send whose object pattern tells ({ cmd: \'reserve_stock\' }) before the write is a change in another service',
      files: {
        'services/orders/src/orders.service.ts': `${NEST_ORDERS_HEAD}
    await firstValueFrom(this.products.send({ cmd: 'reserve_stock' }, { productId, quantity }));
    await prisma.order.create({ data: { productId, quantity } });
  }
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 11, column: 40 }],
    },
    {
      name: 'the same event sent on both branches after one write is one missing outbox, the other send related',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
const retryProducer = new Kafka({ brokers: ['kafka-retry:9092'] }).producer();

export async function place(id: string, circuitOpen: boolean) {
  await prisma.order.create({ data: { id } });
  if (circuitOpen) {
    await retryProducer.send({ topic: 'order.created', messages: [{ key: id, value: id }] });
  } else {
    await producer.send({ topic: 'order.created', messages: [{ key: id, value: id }] });
  }
}
`,
      },
      errors: [{
        messageId: 'dualWrite', line: 12, column: 25,
        related: [
          'services/orders/src/orders.ts:10:22 the datastore write: prisma.order.create (keyed on a given id)',
          'services/orders/src/orders.ts:14:20 the same event on another branch: producer.send to "order.created"',
        ],
      }],
    },
    {
      name: 'two events on one channel, one after the other, after the same write: one outbox covers both, one finding',
      files: {
        'services/chat/src/messages.ts': `${HEAD}
export async function send(conversationId: string, text: string) {
  const message = await prisma.message.create({ data: { conversationId, text } });
  await Promise.all([
    producer.send({ topic: 'chat.events', messages: [{ key: conversationId, value: JSON.stringify({ type: 'message.created', message }) }] }),
    producer.send({ topic: 'chat.events', messages: [{ key: conversationId, value: JSON.stringify({ type: 'conversation.updated', conversationId }) }] }),
  ]);
}
`,
      },
      errors: [{
        messageId: 'dualWrite', line: 10, column: 14,
        related: [
          'services/chat/src/messages.ts:8:40 the datastore write: prisma.message.create',
          'services/chat/src/messages.ts:11:14 another publish to the same channel after the same write (one outbox covers both): producer.send to "chat.events"',
        ],
      }],
    },
    {
      name: 'publish before the write: the event is out if the write then fails',
      files: {
        'services/orders/src/orders.ts': `${HEAD}
export async function place(id: string) {
  await producer.send({ topic: 'orders.placed', messages: [{ key: id, value: id }] });
  await prisma.order.create({ data: { id } });
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 8, column: 18 }],
    },
    {
      name: 'broken outbox: the outbox row is created with no transaction around either write',
      files: {
        'services/orders/src/orders.ts': `import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function place(id: string) {
  await prisma.order.create({ data: { id } });
  await prisma.outboxEvent.create({ data: { type: 'OrderPlaced', payload: { id } } });
}
`,
      },
      errors: [{ messageId: 'brokenOutbox', line: 7, column: 28 }],
    },
    {
      name: 'broken outbox: the order commits in $transaction, the outbox row is written after it',
      files: {
        'services/orders/src/orders.ts': `import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function place(id: string) {
  await prisma.$transaction(async (tx) => {
    await tx.order.create({ data: { id } });
    await tx.orderLine.create({ data: { orderId: id } });
  });
  await prisma.outboxEvent.create({ data: { type: 'OrderPlaced', payload: { id } } });
}
`,
      },
      errors: [{ messageId: 'brokenOutbox', line: 10, column: 28 }],
    },
    {
      name: 'broken outbox: pg COMMIT before the outbox INSERT on the pool',
      files: {
        'services/orders/src/orders.ts': `import { Pool } from 'pg';

const pool = new Pool();

export async function place(id: string) {
  const client = await pool.connect();
  await client.query('BEGIN');
  await client.query('INSERT INTO orders (id) VALUES ($1)', [id]);
  await client.query('COMMIT');
  client.release();
  await pool.query('INSERT INTO outbox (type, payload) VALUES ($1, $2)', ['OrderPlaced', id]);
}
`,
      },
      errors: [{ messageId: 'brokenOutbox', line: 11, column: 14 }],
    },
  ],
});
