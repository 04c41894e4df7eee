/**
 * One finding per root cause, for every rule: the same (handler, effect), (write, publish) or
 * lock call reached from many entry points is one finding, with the entry points as related
 * locations; a handler's headline effect is its most consequential one
 * (payment > e-mail > HTTP POST > publish > insert > log row).
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** An amqplib worker whose `handle` inserts an invoice; `register` sits on line 9. */
const amqpWorker = (register: string[], effects: string[] = ["  await pool.query('INSERT INTO invoices (order_id) VALUES ($1)', [msg.content.toString()]);"]) => lines(
  "import amqp from 'amqplib';",
  "import { Pool } from 'pg';",
  "import nodemailer from 'nodemailer';",
  'const pool = new Pool();',
  'const mailer = nodemailer.createTransport({});',
  'export async function start() {',
  "  const conn = await amqp.connect('amqp://rabbit');",
  '  const ch = await conn.createChannel();',
  ...register,
  '}',
  'async function handle(msg: amqp.ConsumeMessage | null) {',
  '  if (!msg) return;',
  ...effects,
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'one handler registered on two queues, guarded by an inbox insert, is not reported on either',
      files: {
        'services/billing/src/worker.ts': amqpWorker(
          ["  await ch.consume('orders.placed', handle);", "  await ch.consume('orders.imported', handle);"],
          [
            "  const seen = await pool.query('INSERT INTO processed_messages (message_id) VALUES ($1) ON CONFLICT DO NOTHING', [msg.properties.messageId]);",
            '  if (!seen.rowCount) return;',
            "  await pool.query('INSERT INTO invoices (order_id) VALUES ($1)', [msg.content.toString()]);",
          ],
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'one handler registered on two queues is one finding; the second registration is a related location',
      files: {
        'services/billing/src/worker.ts': amqpWorker(["  await ch.consume('orders.placed', handle);", "  await ch.consume('orders.imported', handle);"]),
      },
      errors: [{
        messageId: 'unguarded', line: 9, column: 12, endLine: 9, endColumn: 19,
        messageIncludes: 'The same handler is also registered as the amqplib consumer of queue "orders.imported".',
        related: [
          'services/billing/src/worker.ts:14:14 INSERT INTO invoices: repeated on every redelivery',
          'services/billing/src/worker.ts:10:12 also registered as the amqplib consumer of queue "orders.imported"',
        ],
      }],
    },
    {
      name: 'two different handlers are two findings, each at its registration',
      files: {
        'services/billing/src/worker.ts': amqpWorker([
          "  await ch.consume('orders.placed', handle);",
          "  await ch.consume('orders.imported', async (m) => { if (m) await pool.query('INSERT INTO imports (id) VALUES ($1)', [m.content.toString()]); });",
        ]),
      },
      errors: [
        { messageId: 'unguarded', line: 9, column: 12 },
        { messageId: 'unguarded', line: 10, column: 12, messageIncludes: 'writes `INSERT INTO imports`' },
      ],
    },
    {
      name: 'two handlers on one queue that repeat the same effect (worker replicas) are one finding, the second related',
      files: {
        'services/billing/src/worker.ts': amqpWorker([
          "  await ch.consume('orders.placed', async (m) => { console.log('first'); await handle(m); });",
          "  await ch.consume('orders.placed', async (m) => { console.log('second'); await handle(m); });",
        ]),
      },
      errors: [{
        messageId: 'unguarded', line: 9, column: 12,
        related: [
          'services/billing/src/worker.ts:14:14 INSERT INTO invoices: repeated on every redelivery',
          'services/billing/src/worker.ts:10:12 also registered as the amqplib consumer of queue "orders.placed"',
        ],
      }],
    },
    {
      name: 'two Bull @Process() job names on one queue reaching one mail helper are two findings: different messages, not replicas',
      files: {
        'services/notifications/src/mail.processor.ts': lines(
          "import { Process, Processor } from '@nestjs/bull';",
          "import { MailerService } from '@nestjs-modules/mailer';",
          "import { Job } from 'bull';",
          '',
          "@Processor('mail')",
          'export class MailProcessor {',
          '  constructor(private readonly mailer: MailerService) {}',
          '',
          "  @Process('welcome')",
          "  async welcome(job: Job<{ email: string }>) { await this.send(job.data.email, 'welcome'); }",
          '',
          "  @Process('reset')",
          "  async reset(job: Job<{ email: string }>) { await this.send(job.data.email, 'reset'); }",
          '',
          '  private async send(to: string, template: string) {',
          '    await this.mailer.sendMail({ to, template });',
          '  }',
          '}',
        ),
      },
      errors: [{ messageId: 'unguarded', line: 9, column: 4 }, { messageId: 'unguarded', line: 12, column: 4 }],
    },
    {
      name: 'the headline effect is the e-mail, not the insert reached before it; both are related',
      files: {
        'services/billing/src/worker.ts': amqpWorker(["  await ch.consume('orders.placed', handle);"], [
          "  await pool.query('INSERT INTO invoices (order_id) VALUES ($1)', [msg.content.toString()]);",
          "  await mailer.sendMail({ to: 'billing@example.com', subject: 'invoice' });",
        ]),
      },
      errors: [{
        messageId: 'unguarded', line: 9, column: 12,
        messageIncludes: 'The amqplib consumer of queue "orders.placed" sends an e-mail (services/billing/src/worker.ts:14)',
        related: [
          'services/billing/src/worker.ts:14:16 sends an e-mail: repeated on every redelivery',
          'services/billing/src/worker.ts:13:14 INSERT INTO invoices: repeated on every redelivery',
        ],
      }],
    },
  ],
});

runRuleTests('unjustified-distributed-lock', {
  valid: [],
  invalid: [
    {
      name: 'a lock helper called from two jobs is one finding at the lock call; the jobs\' calls are related locations',
      files: {
        'services/ledger/src/lock.ts': lines(
          "import Redis from 'ioredis';",
          "import Redlock from 'redlock';",
          'const redlock = new Redlock([new Redis(process.env.REDIS_URL!)]);',
          'export async function withSettlementLock(work: () => Promise<void>) {',
          "  await redlock.using(['lock:settlement'], 5000, work);",
          '}',
        ),
        'services/ledger/src/jobs.ts': lines(
          "import { withSettlementLock } from './lock';",
          'export async function nightlySettlement() {',
          '  await withSettlementLock(async () => undefined);',
          '}',
          'export async function manualSettlement() {',
          '  await withSettlementLock(async () => undefined);',
          '}',
        ),
      },
      errors: [{
        messageId: 'lock', line: 5, column: 17, endLine: 5, endColumn: 22,
        related: [
          'services/ledger/src/jobs.ts:3:9 the same lock taken here through `withSettlementLock`',
          'services/ledger/src/jobs.ts:6:9 the same lock taken here through `withSettlementLock`',
        ],
      }],
    },
    {
      name: 'a lock taken through two layers of helpers lists the call of each layer, nearest first, and the entry point that does not take it itself',
      files: {
        'services/ledger/src/lock.ts': lines(
          "import Redis from 'ioredis';",
          "import Redlock from 'redlock';",
          'const redlock = new Redlock([new Redis(process.env.REDIS_URL!)]);',
          'export async function withLock(key: string, work: () => Promise<void>) {',
          '  await redlock.using([key], 5000, work);',
          '}',
        ),
        'services/ledger/src/settlement.ts': lines(
          "import { withLock } from './lock';",
          'export async function settle(batch: string) {',
          '  await withLock(`lock:settle:${batch}`, async () => undefined);',
          '}',
        ),
        'services/ledger/src/jobs.ts': lines(
          "import { settle } from './settlement';",
          'export async function nightly() {',
          "  await settle('nightly');",
          '}',
        ),
      },
      errors: [{
        messageId: 'lock', line: 5, column: 17, endLine: 5, endColumn: 22,
        related: [
          'services/ledger/src/settlement.ts:3:9 the same lock taken here through `withLock`',
          'services/ledger/src/jobs.ts:3:9 the same lock taken here through `settle`',
        ],
      }],
    },
  ],
});

runRuleTests('missing-correlation-id', {
  valid: [],
  invalid: [
    {
      name: 'a publish helper reached from a consumer and a route is one finding at the send; the consumer comes first among the related locations',
      files: {
        'services/orders/src/events.ts': lines(
          "import { Kafka } from 'kafkajs';",
          "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();",
          'export async function publishOrderChanged(id: string) {',
          "  await producer.send({ topic: 'orders.changed', messages: [{ key: id, value: JSON.stringify({ id }) }] });",
          '}',
        ),
        'services/orders/src/entry.ts': lines(
          "import { Kafka } from 'kafkajs';",
          "import { publishOrderChanged } from './events';",
          "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });",
          'export async function updateOrder(id: string) {',
          '  await publishOrderChanged(id);',
          '}',
          'export async function start() {',
          '  await consumer.run({',
          '    eachMessage: async ({ message }) => {',
          '      await publishOrderChanged(message.key!.toString());',
          '    },',
          '  });',
          '}',
        ),
      },
      errors: [{
        messageId: 'missing', line: 4, column: 18, endLine: 4, endColumn: 22,
        related: [
          'services/orders/src/entry.ts:9:5 reached from the kafkajs eachMessage handler',
          'services/orders/src/entry.ts:4:23 reached from updateOrder',
        ],
      }],
    },
  ],
});

/** A NestJS Kafka app whose payments handler sends one request to the users service; `send` sits on line 11. */
const paymentsApp = (pattern: string) => ({
  'apps/payments/src/payments.controller.ts': lines(
    "import { Controller } from '@nestjs/common';",
    "import { ClientKafka, MessagePattern, Payload } from '@nestjs/microservices';",
    "import { lastValueFrom } from 'rxjs';",
    "const topics = { processPayment: 'process-payment', getUser: 'get-user', chargeUser: 'charge-user' };",
    '@Controller()',
    'export class PaymentsController {',
    '  constructor(private readonly users: ClientKafka) {}',
    '  @MessagePattern(topics.processPayment)',
    '  async processPayment(@Payload() payment: { userId: string }) {',
    '    return lastValueFrom(',
    `      this.users.send(${pattern}, { id: payment.userId }),`,
    '    );',
    '  }',
    '}',
  ),
  'apps/payments/src/main.ts': lines(
    "import { NestFactory } from '@nestjs/core';",
    "import { Transport } from '@nestjs/microservices';",
    "import { AppModule } from './app.module';",
    'async function bootstrap() {',
    "  const app = await NestFactory.createMicroservice(AppModule, { transport: Transport.KAFKA, options: { client: { brokers: ['kafka:9092'] } } });",
    '  await app.listen();',
    '}',
    'bootstrap();',
  ),
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'a request/response send whose pattern is named as a query (topics.getUser) is a read, not an effect a redelivery repeats',
      files: paymentsApp('topics.getUser'),
    },
  ],
  invalid: [
    {
      name: 'the same send with a pattern named as a command (topics.chargeUser) is reported',
      files: paymentsApp('topics.chargeUser'),
      errors: [{ messageId: 'unguarded', file: 'apps/payments/src/payments.controller.ts', line: 8, column: 4, messageIncludes: 'publishes (`client.send(' }],
    },
  ],
});
