/**
 * dual-write: a flow that writes a datastore and publishes a message (or
 * calls another service of the workspace) without a transactional outbox.
 * Findings point at the publish, or at the call in the flow that leads to it.
 */
import { runRuleTests } from '../support/ruleTester';

const PAYMENTS_SERVICE = { 'services/payments/src/main.ts': 'export const port = 3000;\n' };

/** An amqplib RPC client wrapper (the RabbitMQ tutorial's): the caller names the queue, the reply comes back on a reply queue. */
const RPC_CLIENT = `import amqp from 'amqplib';
import { randomUUID } from 'node:crypto';

let channel: amqp.Channel;
const pending = new Map<string, (body: unknown) => void>();

export async function sendRPCRequest(queue: string, data: unknown): Promise<unknown> {
  const correlationId = randomUUID();
  return new Promise((resolve) => {
    pending.set(correlationId, resolve);
    channel.sendToQueue(queue, Buffer.from(JSON.stringify(data)), { correlationId, replyTo: 'amq.rabbitmq.reply-to' });
  });
}
`;

/** A booking service that asks the user service, or tells it, around its own insert. */
const booking = (before: string, after: string) => `import { Pool } from 'pg';
import { sendRPCRequest } from './rpc';

const pool = new Pool();

export async function book(userId: string, mealId: string) {
  ${before}
  await pool.query('INSERT INTO meal_bookings (user_id, meal_id) VALUES ($1, $2)', [userId, mealId]);
  ${after}
}
`;

/** An orders checkout over mysql2 and axios with the given body (from line 7), beside the payments service. */
const mysqlCheckout = (...body: string[]) => ({
  ...PAYMENTS_SERVICE,
  'services/orders/src/checkout.ts': `import mysql from 'mysql2/promise';
import axios from 'axios';

const db = mysql.createPool({ host: 'mysql', user: 'orders', database: 'orders' });

export async function checkout(orderId: string, amount: number) {
${body.map((l) => `  ${l}`).join('\n')}
}
`,
});

runRuleTests('dual-write', {
  valid: [
    {
      name: 'an HTTP POST to an endpoint whose path names a question (/menu/validate) asks, it does not tell: no dual write',
      files: mysqlCheckout(
        "await axios.post(`${process.env.PAYMENTS_SERVICE_URL}/payments/${orderId}/validate`, { orderId, amount });",
        "await db.execute('INSERT INTO payments_requested (order_id, amount) VALUES (?, ?)', [orderId, amount]);",
        "await axios.post(`${process.env.PAYMENTS_SERVICE_URL}/quote?currency=EUR`, { orderId, amount });",
      ),
    },
    {
      name: 'an amqplib RPC request named as a query (get_user_by_id) before the write: a read over RPC, not a change',
      files: { 'services/inventory/src/rpc.ts': RPC_CLIENT, 'services/inventory/src/booking.ts': booking("await sendRPCRequest('get_user_by_id', { userId });", '') },
    },
    {
      name: 'transactional outbox: the event row is inserted in the same pg transaction, nothing is published',
      files: {
        'services/orders/src/placeOrder.ts': `import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });

export async function placeOrder(order: { id: string; customerId: string; total: number }) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('INSERT INTO orders (id, customer_id, total) VALUES ($1, $2, $3)', [order.id, order.customerId, order.total]);
    await client.query(
      'INSERT INTO outbox (aggregate_id, type, payload) VALUES ($1, $2, $3)',
      [order.id, 'OrderPlaced', JSON.stringify(order)],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
`,
      },
    },
    {
      name: 'outbox relay: SELECT ... FOR UPDATE SKIP LOCKED, producer.send, then UPDATE outbox',
      files: {
        'services/orders/src/relay.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const producer = new Kafka({ clientId: 'orders-relay', brokers: ['kafka:9092'] }).producer({ idempotent: true });

export async function relayOnce(): Promise<number> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query(
      'SELECT id, type, payload FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT 100 FOR UPDATE SKIP LOCKED',
    );
    for (const row of rows) {
      await producer.send({ topic: 'orders', messages: [{ key: String(row.id), value: row.payload, headers: { type: row.type } }] });
      await client.query('UPDATE outbox SET published_at = now() WHERE id = $1', [row.id]);
    }
    await client.query('COMMIT');
    return rows.length;
  } finally {
    client.release();
  }
}
`,
      },
    },
    {
      name: 'a write with no publish',
      files: {
        'services/orders/src/repository.ts': `import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function cancelOrder(id: string) {
  await prisma.order.update({ where: { id }, data: { status: 'CANCELLED' } });
  await prisma.orderHistory.create({ data: { orderId: id, event: 'cancelled' } });
}
`,
      },
    },
    {
      name: 'a publish with no write',
      files: {
        'services/orders/src/notify.ts': `import amqp from 'amqplib';

export async function announce(orderId: string) {
  const connection = await amqp.connect(process.env.AMQP_URL!);
  const channel = await connection.createChannel();
  await channel.assertExchange('orders', 'topic', { durable: true });
  channel.publish('orders', 'order.viewed', Buffer.from(JSON.stringify({ orderId })), { persistent: true });
}
`,
      },
    },
    {
      name: 'Prisma: order and outbox event created in one batch $transaction',
      files: {
        'services/orders/src/orders.ts': `import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export async function createOrder(customerId: string, total: number) {
  const [order] = await prisma.$transaction([
    prisma.order.create({ data: { customerId, total } }),
    prisma.outboxEvent.create({ data: { type: 'OrderCreated', payload: { customerId, total } } }),
  ]);
  return order;
}
`,
      },
    },
    {
      name: 'TypeORM: entity and OutboxMessage saved in dataSource.transaction',
      files: {
        'services/orders/src/orders.service.ts': `import { DataSource } from 'typeorm';
import { Order } from './order.entity';
import { OutboxMessage } from './outbox-message.entity';

export class OrdersService {
  constructor(private readonly dataSource: DataSource) {}

  async place(customerId: string, total: number) {
    await this.dataSource.transaction(async (manager) => {
      const order = await manager.save(Order, { customerId, total });
      await manager.save(OutboxMessage, { type: 'OrderPlaced', payload: JSON.stringify(order) });
    });
  }
}
`,
        'services/orders/src/order.entity.ts': `export class Order { id!: number; customerId!: string; total!: number; }
`,
        'services/orders/src/outbox-message.entity.ts': `export class OutboxMessage { id!: number; type!: string; payload!: string; }
`,
      },
    },
    {
      name: "near-miss: the project's own SendMessageCommand on a CQRS command bus",
      files: {
        'services/chat/src/commands.ts': `export class SendMessageCommand {
  constructor(readonly roomId: string, readonly text: string) {}
}

export class CommandBus {
  async execute(command: object): Promise<void> {
    console.log('dispatch', command);
  }
}
`,
        'services/chat/src/rooms.ts': `import { Pool } from 'pg';
import { CommandBus, SendMessageCommand } from './commands';

const pool = new Pool();
const bus = new CommandBus();

export async function postMessage(roomId: string, text: string) {
  await pool.query('INSERT INTO messages (room_id, text) VALUES ($1, $2)', [roomId, text]);
  await bus.execute(new SendMessageCommand(roomId, text));
}
`,
      },
    },
    {
      name: "near-miss: the project's own Kafka class (an in-memory bus for local runs)",
      files: {
        'services/orders/src/dev/kafka.ts': `export class Kafka {
  readonly sent: unknown[] = [];
  producer() {
    return { send: async (record: { topic: string; messages: unknown[] }) => { this.sent.push(record); } };
  }
}
`,
        'services/orders/src/dev/seed.ts': `import { Pool } from 'pg';
import { Kafka } from './kafka';

const pool = new Pool();
const producer = new Kafka().producer();

export async function seed() {
  await pool.query("INSERT INTO orders (id, status) VALUES ('demo', 'NEW')");
  await producer.send({ topic: 'orders', messages: [{ value: 'demo' }] });
}
`,
      },
    },
    {
      name: 'an HTTP GET to another service after a write is a read, not a second write',
      files: {
        ...PAYMENTS_SERVICE,
        'services/orders/src/checkout.ts': `import axios from 'axios';
import { Pool } from 'pg';

const pool = new Pool();

export async function checkout(orderId: string) {
  await pool.query("UPDATE orders SET status = 'CHECKOUT' WHERE id = $1", [orderId]);
  const { data } = await axios.get(\`\${process.env.PAYMENTS_SERVICE_URL}/methods\`, { params: { orderId } });
  return data;
}
`,
      },
    },
    {
      name: 'an HTTP POST to a third-party API is not a call to another service of the system',
      files: {
        ...PAYMENTS_SERVICE,
        'services/orders/src/slack.ts': `import { Pool } from 'pg';

const pool = new Pool();

export async function flagOrder(orderId: string) {
  await pool.query("UPDATE orders SET flagged = true WHERE id = $1", [orderId]);
  await fetch('https://hooks.slack.com/services/T000/B000/XXXX', {
    method: 'POST',
    body: JSON.stringify({ text: \`Order \${orderId} flagged\` }),
  });
}
`,
      },
    },
    {
      name: 'a Redis pub/sub notification to the replicas of the same service is nothing another service acts on',
      files: {
        'services/backend/src/recordings.ts': `import Redis from 'ioredis';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const publisher = new Redis(process.env.REDIS_URL!);
const subscriber = new Redis(process.env.REDIS_URL!);
const CHANNEL = 'backend_events';

void subscriber.subscribe(CHANNEL, (err) => { if (err) console.error(err); });
subscriber.on('message', (_channel, message) => console.log('cancel cleanup timer', message));

export async function recordingActive(id: string) {
  await pool.query('UPDATE recordings SET status = $1 WHERE id = $2', ['active', id]);
  await publisher.publish(CHANNEL, JSON.stringify({ type: 'recording_active', id }));
}
`,
        'services/web/src/main.ts': 'export const port = 3000;\n',
      },
    },
    {
      name: 'a Redis cache write next to a publish is not a datastore of record',
      files: {
        'services/catalog/src/prices.ts': `import Redis from 'ioredis';
import { Kafka } from 'kafkajs';

const redis = new Redis();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

export async function bumpViews(productId: string) {
  await redis.incr(\`views:\${productId}\`);
  await producer.send({ topic: 'product.viewed', messages: [{ key: productId, value: productId }] });
}
`,
      },
    },
    {
      name: 'Prisma outbox relay: findMany unpublished rows, publish to SNS, mark them published',
      files: {
        'services/orders/src/relay.ts': `import { PrismaClient } from '@prisma/client';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

const prisma = new PrismaClient();
const sns = new SNSClient({ region: 'eu-west-1' });

export async function relay() {
  const pending = await prisma.outboxEvent.findMany({ where: { publishedAt: null }, orderBy: { id: 'asc' }, take: 50 });
  for (const event of pending) {
    await sns.send(new PublishCommand({ TopicArn: process.env.ORDER_EVENTS_TOPIC_ARN, Message: JSON.stringify(event.payload) }));
    await prisma.outboxEvent.update({ where: { id: event.id }, data: { publishedAt: new Date() } });
  }
}
`,
      },
    },
    {
      name: 'near-miss: NestJS CQRS EventBus.publish is in-process, not a broker',
      files: {
        'services/orders/src/orders.service.ts': `import { Injectable } from '@nestjs/common';
import { EventBus } from '@nestjs/cqrs';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Order } from './order.entity';
import { OrderPlacedEvent } from './order-placed.event';

@Injectable()
export class OrdersService {
  constructor(@InjectRepository(Order) private readonly orders: Repository<Order>, private readonly eventBus: EventBus) {}

  async place(customerId: string) {
    const order = await this.orders.save(this.orders.create({ customerId }));
    this.eventBus.publish(new OrderPlacedEvent(order.id));
    return order;
  }
}
`,
        'services/orders/src/order.entity.ts': `export class Order { id!: number; customerId!: string; }
`,
        'services/orders/src/order-placed.event.ts': `export class OrderPlacedEvent { constructor(readonly orderId: number) {} }
`,
      },
    },
    {
      name: 'an RPC reply to msg.properties.replyTo after an idempotent write is a response, not an event',
      files: {
        'services/inventory/src/rpc.ts': `import amqp from 'amqplib';
import { Pool } from 'pg';

const pool = new Pool();

export async function serve() {
  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();
  await channel.consume('rpc.reserve', async (msg) => {
    if (!msg) return;
    const { sku, orderId } = JSON.parse(msg.content.toString());
    await pool.query('UPDATE stock SET reserved_by = $1 WHERE sku = $2 AND reserved_by IS NULL', [orderId, sku]);
    channel.sendToQueue(msg.properties.replyTo, Buffer.from('ok'), { correlationId: msg.properties.correlationId });
    channel.ack(msg);
  });
}
`,
      },
    },
    {
      name: 'suppressed with a reason',
      files: {
        'services/orders/src/legacy.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

export async function legacyCreate(id: string) {
  await pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);
  // distributed-patterns-disable-next-line dual-write -- reconciled nightly by the orders-audit job until the outbox lands (ORD-412)
  await producer.send({ topic: 'orders', messages: [{ key: id, value: id }] });
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'the same RPC wrapper telling the user service to change (update_user) after the write: reported',
      files: { 'services/inventory/src/rpc.ts': RPC_CLIENT, 'services/inventory/src/booking.ts': booking('', "await sendRPCRequest('update_user', { userId, mealId });") },
      errors: [{ messageId: 'dualWrite', file: 'services/inventory/src/booking.ts', line: 9, column: 9 }],
    },
    {
      name: 'a Redis pub/sub publish that another service subscribes to is still a dual write',
      files: {
        'services/backend/src/recordings.ts': `import Redis from 'ioredis';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const publisher = new Redis(process.env.REDIS_URL!);

export async function recordingActive(id: string) {
  await pool.query('UPDATE recordings SET status = $1 WHERE id = $2', ['active', id]);
  await publisher.publish('recordings', JSON.stringify({ type: 'recording_active', id }));
}
`,
        'services/notifier/src/listen.ts': `import Redis from 'ioredis';

const subscriber = new Redis(process.env.REDIS_URL!);
void subscriber.subscribe('recordings');
subscriber.on('message', (_channel, message) => console.log('notify', message));
`,
      },
      errors: [{ messageId: 'dualWrite', line: 9, column: 19 }],
    },
    {
      name: 'pg INSERT then kafkajs producer.send in a route handler',
      files: {
        'services/orders/src/routes.ts': `import express from 'express';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();
export const router = express.Router();

router.post('/orders', async (req, res) => {
  const { rows } = await pool.query('INSERT INTO orders (customer_id, total) VALUES ($1, $2) RETURNING id', [req.body.customerId, req.body.total]);
  await producer.send({
    topic: 'orders.placed',
    messages: [{ key: rows[0].id, value: JSON.stringify({ orderId: rows[0].id }) }],
  });
  res.status(201).json(rows[0]);
});
`,
      },
      errors: [{ messageId: 'dualWrite', line: 11, column: 18 }],
    },
    {
      name: 'TypeORM repository save then amqplib channel.publish',
      files: {
        'services/orders/src/orders.ts': `import * as amqp from 'amqplib';
import { AppDataSource } from './data-source';
import { Order } from './order.entity';

export async function createOrder(channel: amqp.Channel, customerId: string) {
  const order = await AppDataSource.getRepository(Order).save({ customerId, status: 'NEW' });
  channel.publish('orders', 'order.created', Buffer.from(JSON.stringify(order)), { persistent: true });
  return order;
}
`,
        'services/orders/src/data-source.ts': `import { DataSource } from 'typeorm';
import { Order } from './order.entity';

export const AppDataSource = new DataSource({ type: 'postgres', url: process.env.DATABASE_URL, entities: [Order] });
`,
        'services/orders/src/order.entity.ts': `export class Order { id!: number; customerId!: string; status!: string; }
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.ts', line: 7, column: 11 }],
    },
    {
      name: 'Prisma create then BullMQ queue.add',
      files: {
        'services/orders/src/signup.ts': `import { PrismaClient } from '@prisma/client';
import { Queue } from 'bullmq';

const prisma = new PrismaClient();
const emails = new Queue('emails', { connection: { host: 'redis', port: 6379 } });

export async function signUp(email: string, name: string) {
  const user = await prisma.user.create({ data: { email, name } });
  await emails.add('welcome', { userId: user.id, email });
  return user;
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 9, column: 16 }],
    },
    {
      name: 'NestJS service: injected repository save then ClientProxy.emit',
      files: {
        'services/orders/src/orders.service.ts': `import { Inject, Injectable } from '@nestjs/common';
import { ClientProxy } from '@nestjs/microservices';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Order } from './order.entity';

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @Inject('BILLING_SERVICE') private readonly billing: ClientProxy,
  ) {}

  async create(customerId: string, total: number) {
    const order = await this.orders.save(this.orders.create({ customerId, total }));
    this.billing.emit('order_created', { orderId: order.id, total });
    return order;
  }
}
`,
        'services/orders/src/order.entity.ts': `export class Order { id!: number; customerId!: string; total!: number; }
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.service.ts', line: 16, column: 18 }],
    },
    {
      name: 'MongoDB insertOne then SQS SendMessageCommand',
      files: {
        'services/orders/src/orders.ts': `import { MongoClient } from 'mongodb';
import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';

const mongo = new MongoClient(process.env.MONGO_URL!);
const sqs = new SQSClient({ region: 'eu-west-1' });

export async function placeOrder(order: { id: string; total: number }) {
  await mongo.db('shop').collection('orders').insertOne({ _id: order.id as never, total: order.total, status: 'NEW' });
  await sqs.send(new SendMessageCommand({
    QueueUrl: process.env.ORDER_EVENTS_QUEUE_URL,
    MessageBody: JSON.stringify({ type: 'OrderPlaced', orderId: order.id }),
  }));
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 9, column: 13 }],
    },
    {
      name: 'mysql2 INSERT then HTTP POST to another service through process.env.PAYMENTS_SERVICE_URL',
      files: mysqlCheckout(
        "await db.execute('INSERT INTO payments_requested (order_id, amount) VALUES (?, ?)', [orderId, amount]);",
        "await axios.post(`${process.env.PAYMENTS_SERVICE_URL}/charges`, { orderId, amount }, { timeout: 2000 });",
      ),
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/checkout.ts', line: 8, column: 15 }],
    },
    {
      name: 'pg UPDATE then fetch POST to http://payments:3000',
      files: {
        ...PAYMENTS_SERVICE,
        'services/orders/src/refund.ts': `import { Pool } from 'pg';

const pool = new Pool();

export async function refund(orderId: string) {
  await pool.query("UPDATE orders SET status = 'REFUNDED' WHERE id = $1", [orderId]);
  const res = await fetch(\`http://payments:3000/refunds\`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ orderId }),
  });
  if (!res.ok) throw new Error('refund failed');
}
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/refund.ts', line: 7, column: 21 }],
    },
    {
      name: 'across files: a service method calls a repository in one file and a publisher in another',
      files: {
        'services/orders/src/orders.service.ts': `import { OrdersRepository } from './orders.repository';
import { OrderEvents } from './order-events';

export class OrdersService {
  constructor(private readonly repo: OrdersRepository, private readonly events: OrderEvents) {}

  async place(customerId: string, total: number) {
    const id = await this.repo.insertOrder(customerId, total);
    await this.events.orderPlaced(id, total);
    return id;
  }
}
`,
        'services/orders/src/orders.repository.ts': `import { Pool } from 'pg';

export class OrdersRepository {
  constructor(private readonly pool: Pool) {}

  async insertOrder(customerId: string, total: number): Promise<string> {
    const { rows } = await this.pool.query('INSERT INTO orders (customer_id, total) VALUES ($1, $2) RETURNING id', [customerId, total]);
    return rows[0].id;
  }
}
`,
        'services/orders/src/order-events.ts': `import type { Producer } from 'kafkajs';

export class OrderEvents {
  constructor(private readonly producer: Producer) {}

  async orderPlaced(orderId: string, total: number) {
    await this.producer.send({ topic: 'orders.placed', messages: [{ key: orderId, value: JSON.stringify({ orderId, total }) }] });
  }
}
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.service.ts', line: 9, column: 23 }],
    },
    {
      name: 'publishing inside prisma.$transaction(async (tx) => ...) is still a dual write',
      files: {
        'services/orders/src/orders.ts': `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

export async function placeOrder(customerId: string, total: number) {
  return prisma.$transaction(async (tx) => {
    const order = await tx.order.create({ data: { customerId, total } });
    await producer.send({ topic: 'orders.placed', messages: [{ key: order.id, value: JSON.stringify(order) }] });
    return order;
  });
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 10, column: 20, severity: 'warning', messageIncludes: "runs inside the write's transaction (prisma $transaction) before it commits" }],
    },
    {
      name: 'inside prisma.$transaction(async (tx) => ...), a callee given the handle writes in the transaction: the publish runs before it commits',
      files: {
        'services/orders/src/orders.ts': `import { Prisma, PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();
const remove = (db: Prisma.TransactionClient, id: string) => db.order.delete({ where: { id } });

export async function cancelOrder(id: string) {
  await prisma.$transaction(async (tx) => {
    await remove(tx, id);
    await producer.send({ topic: 'orders.cancelled', messages: [{ key: id, value: id }] });
  });
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 11, column: 20, severity: 'warning', messageIncludes: "runs inside the write's transaction (prisma $transaction) before it commits" }],
    },
    {
      name: 'inside prisma.$transaction(async (tx) => ...), a callee on its own client commits on its own: the write is saved before the publish',
      files: {
        'services/orders/src/orders.ts': `import { PrismaClient } from '@prisma/client';
import { Kafka } from 'kafkajs';

const prisma = new PrismaClient();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();
const remove = (id: string) => prisma.order.delete({ where: { id } });

export async function cancelOrder(id: string) {
  await prisma.$transaction(async (tx) => {
    await remove(id);
    await producer.send({ topic: 'orders.cancelled', messages: [{ key: id, value: id }] });
    await tx.auditEntry.count();
  });
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 11, column: 20, messageIncludes: 'the change is saved but its event is lost' }],
    },
    {
      name: 'TypeORM queryRunner: save, enqueue, then commitTransaction: a warning that says the commit can fail after the publish',
      files: {
        'services/orgs/src/invites.ts': `import { DataSource } from 'typeorm';
import { Queue } from 'bullmq';
import { Invite } from './invite.entity';

const mail = new Queue('mail');

export async function invite(dataSource: DataSource, email: string) {
  const runner = dataSource.createQueryRunner();
  await runner.startTransaction();
  try {
    const created = await runner.manager.save(Invite, { email });
    await mail.add('invite', { to: email, link: \`/invites/\${created.id}\` });
    await runner.commitTransaction();
  } catch (e) {
    await runner.rollbackTransaction();
    throw e;
  }
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 12, column: 16, severity: 'warning', messageIncludes: 'if the commit then fails or the process dies before it, other services act on a change that was never saved' }],
    },
    {
      name: 'TypeORM dataSource.transaction commits, then channel.sendToQueue runs outside it',
      files: {
        'services/orders/src/orders.ts': `import { DataSource } from 'typeorm';
import type { Channel } from 'amqplib';
import { Order } from './order.entity';

export async function placeOrder(dataSource: DataSource, channel: Channel, customerId: string) {
  const order = await dataSource.transaction(async (manager) => {
    return manager.save(Order, { customerId, status: 'NEW' });
  });
  channel.sendToQueue('billing.orders', Buffer.from(JSON.stringify(order)), { persistent: true });
}
`,
        'services/orders/src/order.entity.ts': `export class Order { id!: number; customerId!: string; status!: string; }
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.ts', line: 9, column: 11 }],
    },
    {
      name: 'a consumer that deduplicates, writes and publishes a follow-up event: a repeat stops at the check, so the event is lost',
      files: {
        'services/shipping/src/consumer.ts': `import { Kafka } from 'kafkajs';
import { Schema, model } from 'mongoose';

const Shipment = model('Shipment', new Schema({ orderId: String, status: String }));
const kafka = new Kafka({ brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'shipping' });
const producer = kafka.producer();

export async function start() {
  await consumer.subscribe({ topic: 'orders.paid' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const { orderId } = JSON.parse(message.value!.toString());
      if (await Shipment.exists({ orderId })) return; await Shipment.create({ orderId, status: 'PENDING' });
      await producer.send({ topic: 'shipments.created', messages: [{ key: orderId, value: orderId }] });
    },
  });
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 15, column: 22 }],
    },
    {
      name: 'pg INSERT then SNS PublishCommand',
      files: {
        'services/orders/src/orders.ts': `import { Pool } from 'pg';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

const pool = new Pool();
const sns = new SNSClient({ region: 'eu-west-1' });

export async function placeOrder(id: string, total: number) {
  await pool.query('INSERT INTO orders (id, total) VALUES ($1, $2)', [id, total]);
  await sns.send(new PublishCommand({
    TopicArn: process.env.ORDER_EVENTS_TOPIC_ARN,
    Message: JSON.stringify({ type: 'OrderPlaced', id, total }),
  }));
}
`,
      },
      errors: [{ messageId: 'dualWrite', line: 9, column: 13 }],
    },
    {
      name: 'NestJS: @InjectQueue BullMQ queue.add after a repository insert',
      files: {
        'services/orders/src/orders.service.ts': `import { Injectable } from '@nestjs/common';
import { InjectQueue } from '@nestjs/bullmq';
import { InjectRepository } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { Repository } from 'typeorm';
import { Order } from './order.entity';

@Injectable()
export class OrdersService {
  constructor(
    @InjectRepository(Order) private readonly orders: Repository<Order>,
    @InjectQueue('fulfilment') private readonly fulfilment: Queue,
  ) {}

  async place(customerId: string) {
    const { identifiers } = await this.orders.insert({ customerId, status: 'NEW' });
    await this.fulfilment.add('pick', { orderId: identifiers[0].id }, { jobId: \`pick-\${identifiers[0].id}\` });
  }
}
`,
        'services/orders/src/order.entity.ts': `export class Order { id!: number; customerId!: string; status!: string; }
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.service.ts', line: 17, column: 27 }],
    },
    {
      name: 'HTTP POST through an axios instance whose baseURL names another service',
      files: {
        ...PAYMENTS_SERVICE,
        'services/orders/src/payments-client.ts': `import axios from 'axios';

export const payments = axios.create({ baseURL: process.env.PAYMENTS_SERVICE_URL, timeout: 2000 });
`,
        'services/orders/src/checkout.ts': `import { Pool } from 'pg';
import { payments } from './payments-client';

const pool = new Pool();

export async function checkout(orderId: string, amount: number) {
  await pool.query("UPDATE orders SET status = 'PAYING' WHERE id = $1", [orderId]);
  await payments.post('/charges', { orderId, amount });
}
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/checkout.ts', line: 8, column: 18 }],
    },
    {
      name: 'NestJS HttpService POST to a URL from ConfigService after a Prisma write',
      files: {
        ...PAYMENTS_SERVICE,
        'services/orders/src/refunds.service.ts': `import { Injectable } from '@nestjs/common';
import { HttpService } from '@nestjs/axios';
import { ConfigService } from '@nestjs/config';
import { PrismaClient } from '@prisma/client';
import { firstValueFrom } from 'rxjs';

@Injectable()
export class RefundsService {
  private readonly prisma = new PrismaClient();

  constructor(private readonly http: HttpService, private readonly config: ConfigService) {}

  async refund(orderId: string) {
    await this.prisma.refund.create({ data: { orderId, status: 'REQUESTED' } });
    await firstValueFrom(this.http.post(\`\${this.config.get('PAYMENTS_SERVICE_URL')}/refunds\`, { orderId }));
  }
}
`,
      },
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/refunds.service.ts', line: 15, column: 36 }],
    },
    {
      // The headline is the event another service is seen to consume; the unconsumed one is a related location.
      name: 'one finding per write, at the event another service consumes',
      files: {
        'services/billing/src/consumer.ts': `import { Kafka } from 'kafkajs';

const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });

export async function start() {
  await consumer.subscribe({ topic: 'order.cancelled' });
  await consumer.run({ eachMessage: async ({ message }) => console.log(message.value) });
}
`,
        'services/orders/src/cancel.ts': `import { Pool } from 'pg';
import { Kafka } from 'kafkajs';

const pool = new Pool();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

export async function cancel(orderId: string) {
  await pool.query("UPDATE orders SET status = 'CANCELLED' WHERE id = $1", [orderId]);
  await producer.send({ topic: 'order.audit', messages: [{ value: orderId }] });
  await producer.send({ topic: 'order.cancelled', messages: [{ value: orderId }] });
}
`,
      },
      errors: [{
        messageId: 'dualWrite', file: 'services/orders/src/cancel.ts', line: 10, column: 18,
        related: [
          'services/orders/src/cancel.ts:8:14 the datastore write: UPDATE orders',
          'services/orders/src/cancel.ts:9:18 another publish after the same write (one outbox covers both): producer.send to "order.audit"',
        ],
      }],
    },
    {
      // One outbox in the write's transaction carries both events: the second publish is a related location.
      name: 'one finding per write when a flow publishes two events after it',
      files: {
        'services/orders/src/cancel.ts': `import { Pool } from 'pg';
import { Queue } from 'bullmq';
import amqp from 'amqplib';

const pool = new Pool();
const refunds = new Queue('refunds');

export async function cancel(channel: amqp.Channel, orderId: string) {
  await pool.query("UPDATE orders SET status = 'CANCELLED' WHERE id = $1", [orderId]);
  await pool.query('INSERT INTO order_events (order_id, type) VALUES ($1, $2)', [orderId, 'cancelled']);
  await refunds.add('refund', { orderId });
  channel.publish('orders', 'order.cancelled', Buffer.from(orderId));
}
`,
      },
      errors: [{
        messageId: 'dualWrite', line: 11, column: 17,
        related: [
          'services/orders/src/cancel.ts:10:14 the datastore write: INSERT INTO order_events',
          'services/orders/src/cancel.ts:12:11 another publish after the same write (one outbox covers both): channel.publish to "orders/order.cancelled"',
        ],
      }],
    },
  ],
});
