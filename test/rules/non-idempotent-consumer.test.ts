/**
 * non-idempotent-consumer: a message handler that inserts, increments, e-mails,
 * charges, POSTs or publishes must deduplicate on the message identity.
 * Findings point at the handler registration (`eachMessage`, `consume`,
 * `handleMessage`, `new Worker`, `@EventPattern`, the SQS receive call).
 */
import { runRuleTests } from '../support/ruleTester';

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'kafkajs: inbox INSERT ... ON CONFLICT (message_id) DO NOTHING in the same transaction as the write',
      files: {
        'services/billing/src/consumer.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const kafka = new Kafka({ clientId: 'billing', brokers: [process.env.KAFKA_BROKER!] });
const consumer = kafka.consumer({ groupId: 'billing' });

export async function start(): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders.placed' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const inbox = await client.query(
          'INSERT INTO inbox (message_id, topic) VALUES ($1, $2) ON CONFLICT (message_id) DO NOTHING',
          [event.eventId, 'orders.placed'],
        );
        if (inbox.rowCount === 0) {
          await client.query('ROLLBACK');
          return;
        }
        await client.query('INSERT INTO invoices (order_id, amount) VALUES ($1, $2)', [event.orderId, event.total]);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    },
  });
}
`,
      },
    },
    {
      name: 'kafkajs eachBatch: SELECT from processed_messages before inserting',
      files: {
        'services/ledger/src/batch.ts': `import { Kafka, type EachBatchPayload } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'ledger' });

export async function run() {
  await consumer.subscribe({ topics: ['payments.captured'] });
  await consumer.run({
    eachBatch: async ({ batch, resolveOffset, heartbeat }: EachBatchPayload) => {
      for (const message of batch.messages) {
        const id = message.headers?.['message-id']?.toString();
        const seen = await pool.query('SELECT 1 FROM processed_messages WHERE message_id = $1', [id]);
        if (seen.rowCount) {
          resolveOffset(message.offset);
          continue;
        }
        await pool.query('INSERT INTO ledger_entries (payment_id, amount) VALUES ($1, $2)', [id, message.value?.toString()]);
        await pool.query('INSERT INTO processed_messages (message_id) VALUES ($1)', [id]);
        resolveOffset(message.offset);
        await heartbeat();
      }
    },
  });
}
`,
      },
    },
    {
      name: 'amqplib: Redis SET key value EX n NX before sending the e-mail',
      files: {
        'services/notifications/src/worker.ts': `import amqp from 'amqplib';
import Redis from 'ioredis';
import nodemailer from 'nodemailer';

const redis = new Redis(process.env.REDIS_URL!);
const mailer = nodemailer.createTransport({ host: process.env.SMTP_HOST, port: 587 });

export async function main() {
  const connection = await amqp.connect(process.env.AMQP_URL!);
  const channel = await connection.createChannel();
  await channel.assertQueue('emails.welcome', { durable: true });
  await channel.consume('emails.welcome', async (msg) => {
    if (!msg) return;
    const { messageId } = msg.properties;
    const first = await redis.set(\`welcome:\${messageId}\`, '1', 'EX', 86400, 'NX');
    if (first !== 'OK') {
      channel.ack(msg);
      return;
    }
    const user = JSON.parse(msg.content.toString());
    await mailer.sendMail({ to: user.email, subject: 'Welcome!', text: 'Thanks for signing up.' });
    channel.ack(msg);
  });
}
`,
      },
    },
    {
      name: 'BullMQ worker: Prisma processedMessage.create inside $transaction with the write',
      files: {
        'services/orders/src/worker.ts': `import { Worker } from 'bullmq';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export const worker = new Worker('order-created', async (job) => {
  await prisma.$transaction(async (tx) => {
    await tx.processedMessage.create({ data: { id: job.id!, queue: 'order-created' } });
    await tx.shipment.create({ data: { orderId: job.data.orderId, status: 'PENDING' } });
  });
}, { connection: { host: 'redis', port: 6379 } });
`,
      },
    },
    {
      name: 'sqs-consumer: upserts, idempotent updates and createMany({ skipDuplicates: true }) need no dedupe',
      files: {
        'services/catalog/src/sync.ts': `import { Consumer } from 'sqs-consumer';
import { SQSClient } from '@aws-sdk/client-sqs';
import { PrismaClient } from '@prisma/client';
import { Pool } from 'pg';

const prisma = new PrismaClient();
const pool = new Pool();

export const app = Consumer.create({
  queueUrl: process.env.PRODUCT_UPDATES_QUEUE_URL!,
  sqs: new SQSClient({ region: 'eu-west-1' }),
  handleMessage: async (message) => {
    const product = JSON.parse(message.Body!);
    await prisma.product.upsert({
      where: { sku: product.sku },
      create: { sku: product.sku, name: product.name, price: product.price },
      update: { name: product.name, price: product.price },
    });
    await pool.query(
      'INSERT INTO product_prices (sku, price) VALUES ($1, $2) ON CONFLICT (sku) DO UPDATE SET price = EXCLUDED.price',
      [product.sku, product.price],
    );
    await pool.query("UPDATE products SET status = 'active' WHERE sku = $1", [product.sku]);
    await prisma.productTag.createMany({
      data: product.tags.map((tag: string) => ({ sku: product.sku, tag })),
      skipDuplicates: true,
    });
    return message;
  },
});
`,
      },
    },
    {
      name: 'kafkajs: a follow-up job published with a deterministic BullMQ jobId',
      files: {
        'services/billing/src/receipts.ts': `import { Kafka } from 'kafkajs';
import { Queue } from 'bullmq';

const receipts = new Queue('receipts', { connection: { host: 'redis' } });
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'receipts' });

export async function start() {
  await consumer.subscribe({ topic: 'payments.captured' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const payment = JSON.parse(message.value!.toString());
      await receipts.add('send-receipt', { paymentId: payment.id }, { jobId: \`receipt-\${payment.id}\` });
    },
  });
}
`,
      },
    },
    {
      name: 'Stripe charge with an idempotency key derived from the message',
      files: {
        'services/payments/src/charge.ts': `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import Stripe from 'stripe';

const sqs = new SQSClient({ region: 'us-east-1' });
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
const QueueUrl = process.env.CHARGES_QUEUE_URL!;

export async function poll() {
  while (true) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20, MaxNumberOfMessages: 10 }));
    for (const m of Messages) {
      const order = JSON.parse(m.Body!);
      await stripe.paymentIntents.create(
        { amount: order.total, currency: 'eur', customer: order.customerId },
        { idempotencyKey: \`order-\${order.id}\` },
      );
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}
`,
      },
    },
    {
      name: 'NestJS @EventPattern: the service checks the inbox through a guard helper in another file',
      files: {
        'services/shipping/src/shipping.controller.ts': `import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { ShippingService } from './shipping.service';

@Controller()
export class ShippingController {
  constructor(private readonly shipping: ShippingService) {}

  @EventPattern('order.paid')
  async onOrderPaid(@Payload() event: { eventId: string; orderId: string }) {
    await this.shipping.createShipment(event.eventId, event.orderId);
  }
}
`,
        'services/shipping/src/shipping.service.ts': `import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Shipment } from './shipment.entity';
import { InboxService } from './inbox.service';

@Injectable()
export class ShippingService {
  constructor(
    @InjectRepository(Shipment) private readonly shipments: Repository<Shipment>,
    private readonly inbox: InboxService,
  ) {}

  async createShipment(eventId: string, orderId: string) {
    if (await this.inbox.alreadyProcessed(eventId)) return;
    await this.shipments.insert({ orderId, status: 'pending' });
  }
}
`,
        'services/shipping/src/inbox.service.ts': `import { Injectable } from '@nestjs/common';

@Injectable()
export class InboxService {
  private readonly seen = new Set<string>();
  async alreadyProcessed(id: string): Promise<boolean> {
    if (this.seen.has(id)) return true;
    this.seen.add(id);
    return false;
  }
}
`,
        'services/shipping/src/shipment.entity.ts': `export class Shipment { id!: number; orderId!: string; status!: string; }
`,
      },
    },
    {
      name: 'MongoDB conditional update on the processed event ids',
      files: {
        'services/loyalty/src/points.ts': `import { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';

const mongo = new MongoClient(process.env.MONGO_URL!);
const accounts = mongo.db('loyalty').collection('accounts');
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'loyalty' });

export async function start() {
  await consumer.subscribe({ topic: 'orders.completed' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const evt = JSON.parse(message.value!.toString());
      await accounts.updateOne(
        { customerId: evt.customerId, processedEvents: { $ne: evt.eventId } },
        { $inc: { points: evt.points }, $push: { processedEvents: evt.eventId } },
      );
    },
  });
}
`,
      },
    },
    {
      name: 'read-only handler: SELECTs and an HTTP GET',
      files: {
        'services/search/src/indexer.ts': `import amqp from 'amqplib';
import axios from 'axios';
import mysql from 'mysql2/promise';

const db = mysql.createPool({ uri: process.env.MYSQL_URL });

export async function main() {
  const conn = await amqp.connect('amqp://rabbitmq');
  const ch = await conn.createChannel();
  await ch.consume('products.changed', async (msg) => {
    if (!msg) return;
    const { id } = JSON.parse(msg.content.toString());
    const [rows] = await db.query('SELECT * FROM products WHERE id = ?', [id]);
    const stock = await axios.get(\`http://inventory:3000/stock/\${id}\`);
    console.log(rows, stock.data);
    ch.ack(msg);
  });
}
`,
      },
    },
    {
      name: "near-miss: the project's own class named Kafka with a run({ eachMessage }) method",
      files: {
        'services/orders/src/testing/kafka.ts': `export type Handler = (payload: { message: { value: Buffer } }) => Promise<void>;

/** An in-memory stand-in used by local development. */
export class Kafka {
  consumer(_opts: { groupId: string }) {
    const handlers: Handler[] = [];
    return {
      subscribe: async (_s: { topic: string }) => undefined,
      run: async ({ eachMessage }: { eachMessage: Handler }) => { handlers.push(eachMessage); },
    };
  }
}
`,
        'services/orders/src/dev.ts': `import { Kafka } from './testing/kafka';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka().consumer({ groupId: 'dev' });

export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      await pool.query('INSERT INTO orders (payload) VALUES ($1)', [message.value.toString()]);
    },
  });
}
`,
      },
    },
    {
      name: 'near-miss: an unrelated run() method taking an eachMessage option',
      files: {
        'services/reports/src/export.ts': `import { Pool } from 'pg';

const pool = new Pool();

class CsvExporter {
  async run(opts: { eachMessage: (row: string) => Promise<void> }) {
    for (const row of ['a', 'b']) await opts.eachMessage(row);
  }
}

export async function exportAll() {
  const exporter = new CsvExporter();
  await exporter.run({
    eachMessage: async (row) => {
      await pool.query('INSERT INTO export_rows (line) VALUES ($1)', [row]);
    },
  });
}
`,
      },
    },
    {
      name: 'HTTP POST carrying an Idempotency-Key header',
      files: {
        'services/orders/src/fulfil.ts': `import { Worker } from 'bullmq';
import axios from 'axios';

export const worker = new Worker('fulfil', async (job) => {
  await axios.post(
    \`\${process.env.WAREHOUSE_SERVICE_URL}/picks\`,
    { orderId: job.data.orderId },
    { headers: { 'Idempotency-Key': job.id! } },
  );
});
`,
        'services/warehouse/src/main.ts': `export const port = 3000;
`,
      },
    },
    {
      name: 'SNS publish to a FIFO topic with a MessageDeduplicationId taken from the incoming message',
      files: {
        'services/orders/src/fanout.ts': `import { Consumer } from 'sqs-consumer';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

const sns = new SNSClient({ region: 'eu-west-1' });

export const consumer = Consumer.create({
  queueUrl: process.env.ORDERS_QUEUE_URL!,
  handleMessage: async (message) => {
    await sns.send(new PublishCommand({
      TopicArn: process.env.ORDER_EVENTS_TOPIC_ARN,
      Message: message.Body!,
      MessageGroupId: 'orders',
      MessageDeduplicationId: message.MessageId,
    }));
    return message;
  },
});
`,
      },
    },
    {
      name: 'mysql2 INSERT IGNORE into processed_messages before the write',
      files: {
        'services/accounts/src/consumer.ts': `import amqp from 'amqplib';
import mysql from 'mysql2/promise';

const db = mysql.createPool({ uri: process.env.MYSQL_URL });

export async function main() {
  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();
  await channel.consume('accounts.opened', async (msg) => {
    if (!msg) return;
    const conn = await db.getConnection();
    await conn.beginTransaction();
    const [res]: any = await conn.execute('INSERT IGNORE INTO processed_messages (message_id) VALUES (?)', [msg.properties.messageId]);
    if (res.affectedRows === 1) {
      await conn.execute('INSERT INTO welcome_credits (account_id, amount) VALUES (?, 10)', [JSON.parse(msg.content.toString()).accountId]);
    }
    await conn.commit();
    conn.release();
    channel.ack(msg);
  });
}
`,
      },
    },
    {
      name: 'NestJS @Processor (BullMQ WorkerHost): TypeORM inbox row saved in the same dataSource.transaction',
      files: {
        'services/billing/src/invoice.processor.ts': `import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { Invoice } from './invoice.entity';
import { ProcessedJob } from './processed-job.entity';

@Processor('invoices')
export class InvoiceProcessor extends WorkerHost {
  constructor(private readonly dataSource: DataSource) { super(); }

  async process(job: Job<{ orderId: string; total: number }>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(ProcessedJob, { jobId: job.id });
      await manager.insert(Invoice, { orderId: job.data.orderId, total: job.data.total });
    });
  }
}
`,
        'services/billing/src/invoice.entity.ts': `export class Invoice { id!: number; orderId!: string; total!: number; }
`,
        'services/billing/src/processed-job.entity.ts': `export class ProcessedJob { jobId!: string; }
`,
      },
    },
    {
      name: 'amqplib RPC server: answering msg.properties.replyTo is a reply, not a new message',
      files: {
        'services/pricing/src/rpc.ts': `import amqp from 'amqplib';
import { Pool } from 'pg';

const pool = new Pool();

export async function serve() {
  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();
  await channel.assertQueue('rpc.quote', { durable: false });
  await channel.consume('rpc.quote', async (msg) => {
    if (!msg) return;
    const { sku } = JSON.parse(msg.content.toString());
    const { rows } = await pool.query('SELECT price FROM prices WHERE sku = $1', [sku]);
    channel.sendToQueue(msg.properties.replyTo, Buffer.from(JSON.stringify(rows[0])), {
      correlationId: msg.properties.correlationId,
    });
    channel.ack(msg);
  });
}
`,
      },
    },
    {
      name: 'amqplib RPC server answering the reply address it read into a const (and a destructured one)',
      files: {
        'services/pricing/src/rpc.ts': `import amqp from 'amqplib';
import { Pool } from 'pg';

const pool = new Pool();

export async function serve() {
  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();
  await channel.consume('rpc.quote', async (msg) => {
    if (!msg) return;
    const replyTo = msg.properties.replyTo;
    const { replyTo: address, correlationId } = msg.properties;
    const { rows } = await pool.query('SELECT price FROM prices WHERE sku = $1', [msg.content.toString()]);
    channel.sendToQueue(replyTo, Buffer.from(JSON.stringify(rows[0])), { correlationId });
    channel.sendToQueue(address, Buffer.from('done'), { correlationId });
    channel.ack(msg);
  });
}
`,
      },
    },
    {
      name: 'increment made conditional on the last applied event id (WHERE last_event_id < $n)',
      files: {
        'services/wallet/src/consumer.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'wallet' });

export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const evt = JSON.parse(message.value!.toString());
      await pool.query(
        'UPDATE wallets SET balance = balance + $1, last_event_id = $2 WHERE id = $3 AND last_event_id < $2',
        [evt.amount, evt.sequence, evt.walletId],
      );
    },
  });
}
`,
      },
    },
    {
      name: 'suppressed with a reason on the registration line',
      files: {
        'services/audit/src/audit.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'audit' });

export async function start() {
  await consumer.run({
    // distributed-patterns-disable-next-line non-idempotent-consumer -- audit log tolerates duplicates, deduplicated in the warehouse
    eachMessage: async ({ message }) => {
      await pool.query('INSERT INTO received_events (payload) VALUES ($1)', [message.value?.toString()]);
    },
  });
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'kafkajs eachMessage inserts a payment row',
      files: {
        'services/billing/src/consumer.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const kafka = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'billing' });

export async function start() {
  await consumer.connect();
  await consumer.subscribe({ topic: 'orders.placed', fromBeginning: false });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const order = JSON.parse(message.value!.toString());
      await pool.query('INSERT INTO invoices (order_id, amount) VALUES ($1, $2)', [order.id, order.total]);
    },
  });
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 12, column: 5 }],
    },
    {
      name: 'kafkajs eachBatch increments a balance with UPDATE ... SET x = x + $1',
      files: {
        'services/wallet/src/batch.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'wallet' });

export async function start() {
  await consumer.subscribe({ topic: 'wallet.topups' });
  await consumer.run({
    eachBatchAutoResolve: true,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const { walletId, amount } = JSON.parse(message.value!.toString());
        await pool.query('UPDATE wallets SET balance = balance + $1 WHERE id = $2', [amount, walletId]);
      }
    },
  });
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 11, column: 5 }],
    },
    {
      name: 'amqplib channel.consume sends an e-mail with nodemailer',
      files: {
        'services/notifications/src/worker.ts': `import * as amqp from 'amqplib';
import nodemailer from 'nodemailer';

const transporter = nodemailer.createTransport({ host: process.env.SMTP_HOST, port: 587 });

export async function main() {
  const connection = await amqp.connect(process.env.AMQP_URL!);
  const channel = await connection.createChannel();
  await channel.prefetch(10);
  await channel.consume('emails.order-confirmation', async (msg) => {
    if (!msg) return;
    const order = JSON.parse(msg.content.toString());
    await transporter.sendMail({ to: order.email, subject: \`Order \${order.id} confirmed\`, html: '<p>Thanks!</p>' });
    channel.ack(msg);
  }, { noAck: false });
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 10, column: 17 }],
    },
    {
      name: 'SQS ReceiveMessageCommand loop creates a Stripe charge without an idempotency key',
      files: {
        'services/payments/src/poller.ts': `import { SQSClient, ReceiveMessageCommand, DeleteMessageCommand } from '@aws-sdk/client-sqs';
import Stripe from 'stripe';

const sqs = new SQSClient({ region: 'us-east-1' });
const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!);
const QueueUrl = process.env.CHARGES_QUEUE_URL!;

export async function poll() {
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 20 }));
    for (const m of Messages) {
      const order = JSON.parse(m.Body!);
      await stripe.charges.create({ amount: order.total, currency: 'usd', customer: order.customerId });
      await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 10, column: 41 }],
    },
    {
      name: 'sqs-consumer handleMessage POSTs to another service of the workspace',
      files: {
        'services/orders/src/consumer.ts': `import { Consumer } from 'sqs-consumer';

export const consumer = Consumer.create({
  queueUrl: process.env.ORDERS_QUEUE_URL!,
  handleMessage: async (message) => {
    const order = JSON.parse(message.Body!);
    await fetch(\`\${process.env.PAYMENTS_SERVICE_URL}/charges\`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ orderId: order.id, amount: order.total }),
    });
    return message;
  },
});
`,
        'services/payments/src/main.ts': `export const port = 3000;
`,
      },
      errors: [{ messageId: 'unguarded', line: 5, column: 3 }],
    },
    {
      name: 'BullMQ worker creates a row with Prisma',
      files: {
        'services/orders/src/worker.ts': `import { Worker, Job } from 'bullmq';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export const worker = new Worker('invoice', async (job: Job<{ orderId: string; total: number }>) => {
  await prisma.invoice.create({ data: { orderId: job.data.orderId, total: job.data.total } });
}, { connection: { host: 'redis', port: 6379 }, concurrency: 5 });
`,
      },
      errors: [{ messageId: 'unguarded', line: 6, column: 27 }],
    },
    {
      name: 'NestJS @EventPattern controller calls a service in another file that saves through an injected TypeORM repository',
      files: {
        'services/shipping/src/shipping.controller.ts': `import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { ShippingService } from './shipping.service';

@Controller()
export class ShippingController {
  constructor(private readonly shipping: ShippingService) {}

  @EventPattern('order.paid')
  async onOrderPaid(@Payload() event: { orderId: string }, @Ctx() context: KafkaContext) {
    await this.shipping.createShipment(event.orderId);
  }
}
`,
        'services/shipping/src/shipping.service.ts': `import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Shipment } from './shipment.entity';

@Injectable()
export class ShippingService {
  constructor(@InjectRepository(Shipment) private readonly shipments: Repository<Shipment>) {}

  async createShipment(orderId: string) {
    const shipment = this.shipments.create({ orderId, status: 'pending' });
    return this.shipments.save(shipment);
  }
}
`,
        'services/shipping/src/shipment.entity.ts': `export class Shipment { id!: number; orderId!: string; status!: string; }
`,
      },
      errors: [{ messageId: 'unguarded', file: 'services/shipping/src/shipping.controller.ts', line: 9, column: 4 }],
    },
    {
      name: 'NestJS @MessagePattern inserts with mysql2',
      files: {
        'services/accounts/src/accounts.controller.ts': `import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { createPool } from 'mysql2/promise';

const pool = createPool({ host: 'mysql', user: 'accounts', database: 'accounts' });

@Controller()
export class AccountsController {
  @MessagePattern({ cmd: 'open_account' })
  async open(@Payload() data: { customerId: string }) {
    const [result] = await pool.execute('INSERT INTO accounts (customer_id, balance) VALUES (?, 0)', [data.customerId]);
    return result;
  }
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 9, column: 4 }],
    },
    {
      name: 'handler passed by reference from another file publishes a follow-up event',
      files: {
        'services/orders/src/main.ts': `import { Kafka } from 'kafkajs';
import { handlePaymentCaptured } from './handlers/paymentCaptured';

const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });

export async function start() {
  await consumer.subscribe({ topic: 'payments.captured' });
  await consumer.run({ eachMessage: handlePaymentCaptured });
}
`,
        'services/orders/src/handlers/paymentCaptured.ts': `import type { EachMessagePayload } from 'kafkajs';
import { producer } from '../producer';

export async function handlePaymentCaptured({ message }: EachMessagePayload): Promise<void> {
  const payment = JSON.parse(message.value!.toString());
  await producer.send({
    topic: 'orders.ready-to-ship',
    messages: [{ key: payment.orderId, value: JSON.stringify({ orderId: payment.orderId }) }],
  });
}
`,
        'services/orders/src/producer.ts': `import { Kafka } from 'kafkajs';

export const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();
`,
      },
      errors: [{ messageId: 'unguarded', file: 'services/orders/src/main.ts', line: 8, column: 24 }],
    },
    {
      name: 'mongoose: $inc on a counter and Model.create',
      files: {
        'services/analytics/src/models.ts': `import { Schema, model } from 'mongoose';

export const PageView = model('PageView', new Schema({ path: String, at: Date }));
export const Counter = model('Counter', new Schema({ path: String, views: Number }));
`,
        'services/analytics/src/consumer.ts': `import amqp from 'amqplib';
import { Counter, PageView } from './models';

export async function main() {
  const ch = await (await amqp.connect('amqp://rabbitmq')).createChannel();
  await ch.consume('page-views', async (msg) => {
    if (!msg) return;
    const view = JSON.parse(msg.content.toString());
    await PageView.create({ path: view.path, at: new Date(view.at) });
    await Counter.updateOne({ path: view.path }, { $inc: { views: 1 } });
    ch.ack(msg);
  });
}
`,
      },
      errors: [{ messageId: 'unguarded', file: 'services/analytics/src/consumer.ts', line: 6, column: 12 }],
    },
    {
      name: 'Prisma $transaction does not make a redelivery harmless by itself',
      files: {
        'services/inventory/src/reserve.ts': `import { Consumer } from 'sqs-consumer';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();

export const consumer = Consumer.create({
  queueUrl: process.env.RESERVATIONS_QUEUE_URL!,
  handleMessage: async (message) => {
    const { sku, quantity, orderId } = JSON.parse(message.Body!);
    await prisma.$transaction(async (tx) => {
      await tx.stock.update({ where: { sku }, data: { reserved: { increment: quantity } } });
      await tx.reservation.create({ data: { sku, quantity, orderId } });
    });
    return message;
  },
});
`,
      },
      errors: [{ messageId: 'unguarded', line: 8, column: 3 }],
    },
    {
      name: 'Redis SET without NX is not a dedupe guard',
      files: {
        'services/notifications/src/sms.ts': `import { Worker } from 'bullmq';
import { createClient } from 'redis';
import axios from 'axios';

const redis = createClient({ url: process.env.REDIS_URL });

export const worker = new Worker('sms', async (job) => {
  await redis.set(\`sms:\${job.id}\`, 'sent');
  await axios.post(\`\${process.env.GATEWAY_SERVICE_URL}/sms\`, { to: job.data.phone, text: job.data.text });
});
`,
        'services/gateway/src/main.ts': `export const port = 8080;
`,
      },
      errors: [{ messageId: 'unguarded', file: 'services/notifications/src/sms.ts', line: 7, column: 27 }],
    },
    {
      name: 'kafkajs handler written as a method: async eachMessage({ message }) { ... }',
      files: {
        'services/billing/src/consumer.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });

export async function start() {
  await consumer.subscribe({ topic: 'orders.placed' });
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    async eachMessage({ message }) {
      await pool.query('INSERT INTO invoices (payload) VALUES ($1)', [message.value!.toString()]);
    },
  });
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 11, column: 11 }],
    },
    {
      name: 'kafkajs handler given as a shorthand property: run({ eachMessage })',
      files: {
        'services/billing/src/consumer.ts': `import { Kafka, type EachMessagePayload } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });

const eachMessage = async ({ message }: EachMessagePayload) => {
  await pool.query('INSERT INTO invoices (payload) VALUES ($1)', [message.value!.toString()]);
};

export async function start() {
  await consumer.subscribe({ topic: 'orders.placed' });
  await consumer.run({ eachMessage });
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 13, column: 24 }],
    },
    {
      name: 'NestJS @Processor (BullMQ WorkerHost) creates a row through a PrismaService that extends PrismaClient',
      files: {
        'services/billing/src/prisma.service.ts': `import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit {
  async onModuleInit() {
    await this.$connect();
  }
}
`,
        'services/billing/src/invoice.processor.ts': `import { Processor, WorkerHost } from '@nestjs/bullmq';
import { Job } from 'bullmq';
import { PrismaService } from './prisma.service';

@Processor('invoices')
export class InvoiceProcessor extends WorkerHost {
  constructor(private readonly prisma: PrismaService) { super(); }

  async process(job: Job<{ orderId: string; total: number }>): Promise<void> {
    await this.prisma.invoice.create({ data: { orderId: job.data.orderId, total: job.data.total } });
  }
}
`,
      },
      errors: [{ messageId: 'unguarded', file: 'services/billing/src/invoice.processor.ts', line: 5, column: 2 }],
    },
    {
      name: 'NestJS Bull @Process() method sends an e-mail through MailerService',
      files: {
        'services/notifications/src/mail.processor.ts': `import { Process, Processor } from '@nestjs/bull';
import { MailerService } from '@nestjs-modules/mailer';
import { Job } from 'bull';

@Processor('mail')
export class MailProcessor {
  constructor(private readonly mailer: MailerService) {}

  @Process('welcome')
  async sendWelcome(job: Job<{ email: string; name: string }>) {
    await this.mailer.sendMail({ to: job.data.email, subject: 'Welcome', template: 'welcome', context: job.data });
  }
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 9, column: 4 }],
    },
    {
      name: 'amqplib callback API as in the RabbitMQ tutorial (JavaScript, require)',
      files: {
        'services/worker/src/worker.js': `const amqp = require('amqplib/callback_api');
const { Pool } = require('pg');

const pool = new Pool();

amqp.connect('amqp://localhost', function (error0, connection) {
  if (error0) throw error0;
  connection.createChannel(function (error1, channel) {
    if (error1) throw error1;
    const queue = 'task_queue';
    channel.assertQueue(queue, { durable: true });
    channel.prefetch(1);
    channel.consume(queue, function (msg) {
      pool.query('INSERT INTO tasks (body) VALUES ($1)', [msg.content.toString()])
        .then(() => channel.ack(msg));
    }, { noAck: false });
  });
});
`,
      },
      errors: [{ messageId: 'unguarded', line: 13, column: 13 }],
    },
    {
      name: 'SNS publish from an SQS handler without a deduplication id',
      files: {
        'services/orders/src/fanout.ts': `import { Consumer } from 'sqs-consumer';
import { SNSClient, PublishCommand } from '@aws-sdk/client-sns';

const sns = new SNSClient({ region: 'eu-west-1' });

export const consumer = Consumer.create({
  queueUrl: process.env.ORDERS_QUEUE_URL!,
  handleMessage: async (message) => {
    const order = JSON.parse(message.Body!);
    await sns.send(new PublishCommand({ TopicArn: process.env.ORDER_EVENTS_TOPIC_ARN, Message: JSON.stringify({ type: 'OrderAccepted', orderId: order.id }) }));
    return message;
  },
});
`,
      },
      errors: [{ messageId: 'unguarded', line: 8, column: 3 }],
    },
    {
      name: 'counters: SQL upsert DO UPDATE SET n = t.n + 1, MongoDB $inc with upsert, Prisma upsert with increment',
      files: {
        'services/analytics/src/counters.ts': `import { Worker } from 'bullmq';
import { Pool } from 'pg';
import { MongoClient } from 'mongodb';
import { PrismaClient } from '@prisma/client';

const pool = new Pool();
const stats = new MongoClient(process.env.MONGO_URL!).db('analytics').collection('daily_stats');
const prisma = new PrismaClient();

export const pageViews = new Worker('page-views', async (job) => {
  await pool.query(
    'INSERT INTO page_views (path, views) VALUES ($1, 1) ON CONFLICT (path) DO UPDATE SET views = page_views.views + 1',
    [job.data.path],
  );
});

export const dailyStats = new Worker('daily-stats', async (job) => {
  await stats.updateOne({ day: job.data.day }, { $inc: { orders: 1, revenue: job.data.total } }, { upsert: true });
});

export const customerTotals = new Worker('customer-totals', async (job) => {
  await prisma.customerTotal.upsert({
    where: { customerId: job.data.customerId },
    create: { customerId: job.data.customerId, orders: 1 },
    update: { orders: { increment: 1 } },
  });
});
`,
      },
      errors: [
        { messageId: 'unguarded', line: 10, column: 30 },
        { messageId: 'unguarded', line: 17, column: 31 },
        { messageId: 'unguarded', line: 21, column: 35 },
      ],
    },
    {
      name: 'one guarded and one unguarded consumer in the same file',
      files: {
        'services/billing/src/consumers.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const kafka = new Kafka({ brokers: ['kafka:9092'] });
const refunds = kafka.consumer({ groupId: 'refunds' });
const invoices = kafka.consumer({ groupId: 'invoices' });

export async function start() {
  await refunds.run({
    eachMessage: async ({ message }) => {
      const id = message.headers!['message-id']!.toString();
      await pool.query('INSERT INTO inbox (message_id) VALUES ($1) ON CONFLICT DO NOTHING', [id]);
      await pool.query('INSERT INTO refunds (payload) VALUES ($1)', [message.value!.toString()]);
    },
  });
  await invoices.run({
    eachMessage: async ({ message }) => {
      await pool.query('INSERT INTO invoices (payload) VALUES ($1)', [message.value!.toString()]);
    },
  });
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 18, column: 5 }],
    },
    {
      name: 'a suppression on the wrong line does not hide the finding',
      files: {
        'services/audit/src/audit.ts': `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'audit' });

export async function start() {
  // distributed-patterns-disable-next-line non-idempotent-consumer -- duplicates tolerated
  await consumer.run({
    eachMessage: async ({ message }) => {
      await pool.query('INSERT INTO received_events (payload) VALUES ($1)', [message.value?.toString()]);
    },
  });
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 10, column: 5, suppressed: false }],
    },
  ],
});
