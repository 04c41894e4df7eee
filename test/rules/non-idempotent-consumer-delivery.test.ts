/**
 * non-idempotent-consumer, transport semantics and severity: the rule applies only where the
 * transport can redeliver (facts/libraries/delivery.ts); a NestJS pattern handler's transport
 * comes from its app's bootstrap. Error needs direct evidence; inferred transports are warnings
 * and say so; append-only log rows alone are information. Inserts keyed on an id the message
 * gives and requeues of the message itself are not non-idempotent.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runRuleTests } from '../support/ruleTester';
import { TRANSPORTS } from '../../server/src/engine/facts/libraries/delivery';

const ordersController = `import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Pool } from 'pg';

const pool = new Pool();

@Controller()
export class OrdersController {
  @EventPattern('order.placed')
  async onOrderPlaced(@Payload() event: { id: string; total: number }) {
    await pool.query('INSERT INTO invoices (order_id, amount) VALUES ($1, $2)', [event.id, event.total]);
  }
}
`;

const nestMain = (options: string, prelude = '') => `import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { AppModule } from './app.module';
${prelude}
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.connectMicroservice<MicroserviceOptions>(${options});
  await app.startAllMicroservices();
  await app.listen(3000);
}
bootstrap();
`;

/** A config module (`export default () => ({ ... })`) whose RabbitMQ options the bootstrap destructures. */
const rmqConfig = (noAck: string) => `export default () => ({
  services: {
    orders: {
      transport: { rabbitmq: { url: process.env.RMQ_URL, queue: process.env.RMQ_QUEUE, noAck: ${noAck} } },
    },
  },
});
`;

const RMQ_CONFIG_PRELUDE = `import configuration from '../../../libs/config/configuration';

const {
  services: {
    orders: {
      transport: {
        rabbitmq: { url, queue, noAck },
      },
    },
  },
} = configuration();
`;

/** A custom RabbitMQ strategy from a package (`strategy: new AmqpServer(options)`), the handler's decorator naming Transport.RMQ. */
const rmqStrategyApp = (noAck: string) => ({
  'apps/tickets/src/orders.controller.ts': ordersController.replace("import { EventPattern, Payload } from '@nestjs/microservices';", "import { EventPattern, Payload, Transport } from '@nestjs/microservices';").replace("@EventPattern('order.placed')", "@EventPattern('order.placed', Transport.RMQ)"),
  'apps/tickets/src/main.ts': nestMain('options', `import { AmqpServer, type AmqpOptions } from '@acme/nest-amqp-transport';
const amqpOptions: AmqpOptions = { urls: [process.env.RMQ_URL!], queue: 'tickets', noAck: ${noAck} };
const options = { strategy: new AmqpServer(amqpOptions) };
`),
});

/**
 * The app handed to a bootstrap helper in another file (`connectQueues(app, queues)`, its parameters
 * untyped) that connects each queue through a module-local retry helper: the app's type comes from
 * the callers, so the RMQ options read there decide the delivery.
 */
const rmqThroughHelpers = (noAck: string) => ({
  'apps/orders/src/orders.controller.ts': ordersController,
  'apps/orders/src/rmq.ts': `import { Transport } from '@nestjs/microservices';

const connectWithRetry = async (app, queue, retries = 5) => {
  try {
    return await app.connectMicroservice({ transport: Transport.RMQ, options: { urls: [process.env.RMQ_URL], queue, noAck: ${noAck} } });
  } catch (err) {
    if (retries === 0) throw err;
    return connectWithRetry(app, queue, retries - 1);
  }
};

export const connectQueues = async (app, queues) => Promise.all(queues.map(async (queue) => connectWithRetry(app, queue)));
`,
  'apps/orders/src/main.ts': `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
import { connectQueues } from './rmq';

async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await connectQueues(app, ['orders', 'invoices']);
  await app.startAllMicroservices();
}
bootstrap();
`,
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'NestJS RMQ connected through bootstrap helpers whose app parameter is untyped (noAck: true): typed from their callers, at most once',
      files: rmqThroughHelpers('true'),
    },
    {
      name: 'decorator Transport.RMQ on an app whose custom strategy is given noAck: true: at most once',
      files: rmqStrategyApp('true'),
    },
    {
      name: 'NestJS @MessagePattern served over TCP (createMicroservice with Transport.TCP): request/response, no redelivery',
      files: {
        'apps/orders/src/orders.controller.ts': ordersController,
        'apps/orders/src/main.ts': `import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice(AppModule, { transport: Transport.TCP, options: { port: 3001 } });
  await app.listen();
}
bootstrap();
`,
      },
    },
    {
      name: 'NestJS createMicroservice without options serves TCP, Nest\'s default',
      files: {
        'apps/orders/src/orders.controller.ts': ordersController,
        'apps/orders/src/main.ts': `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';

NestFactory.createMicroservice(AppModule).then((app) => app.listen());
`,
      },
    },
    {
      name: 'NestJS Redis transport (pub/sub, at most once) connected to a hybrid app',
      files: {
        'apps/orders/src/orders.controller.ts': ordersController,
        'apps/orders/src/main.ts': nestMain(`{ transport: Transport.REDIS, options: { host: 'redis', port: 6379 } }`),
      },
    },
    {
      name: 'NestJS RMQ transport with Nest\'s default noAck: true acknowledges on receipt (at most once)',
      files: {
        'apps/orders/src/orders.controller.ts': ordersController,
        'apps/orders/src/main.ts': nestMain(`{ transport: Transport.RMQ, options: { urls: ['amqp://rabbit'], queue: 'orders' } }`),
      },
    },
    {
      name: 'NestJS RMQ options from a static config helper, the transport cast (Transport.RMQ as any): Nest\'s default noAck, at most once',
      files: {
        'apps/orders/src/orders.controller.ts': ordersController,
        'apps/orders/src/main.ts': nestMain('RabbitMQConfig.server(\'orders\')', `class RabbitMQConfig {
  static server(queue: string) {
    const url = process.env.RABBITMQ_URL;
    return { transport: Transport.RMQ as any, options: { urls: [url], queue } };
  }
}
`),
      },
    },
    {
      name: 'NestJS RMQ noAck destructured from what a config module returns (noAck: true): at most once',
      files: {
        'apps/orders/src/orders.controller.ts': ordersController,
        'libs/config/configuration.ts': rmqConfig('true'),
        'apps/orders/src/main.ts': nestMain(`{ transport: Transport.RMQ, options: { urls: [url], queue, noAck } }`, RMQ_CONFIG_PRELUDE),
      },
    },
    {
      name: 'Redis pub/sub subscriber and NATS core subscription: at most once, nothing redelivers',
      files: {
        'services/notify/src/listeners.ts': `import { createClient } from 'redis';
import { connect } from 'nats';
import nodemailer from 'nodemailer';

const mailer = nodemailer.createTransport({ host: 'smtp' });

export async function listen() {
  const subscriber = createClient();
  await subscriber.connect();
  await subscriber.subscribe('user.signed-up', async (message) => {
    await mailer.sendMail({ to: JSON.parse(message).email, subject: 'Welcome' });
  });
  const nc = await connect({ servers: 'nats:4222' });
  nc.subscribe('user.deleted', {
    callback: async (_err, msg) => {
      await mailer.sendMail({ to: msg.string(), subject: 'Goodbye' });
    },
  });
}
`,
      },
    },
    {
      name: 'amqplib consume with { noAck: true }: the broker forgets the message once sent',
      files: {
        'services/notify/src/consumer.ts': `import amqp from 'amqplib';
import nodemailer from 'nodemailer';

const mailer = nodemailer.createTransport({ host: 'smtp' });

export async function main() {
  const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
  await channel.consume('emails', async (msg) => {
    if (!msg) return;
    await mailer.sendMail({ to: msg.content.toString(), subject: 'Hello' });
  }, { noAck: true });
}
`,
      },
    },
    {
      name: 'inserts keyed on the id the message gives: MongoDB insertOne({ _id }), Prisma create({ data: { id } }), mongoose build({ id }).save()',
      files: {
        'services/catalog/src/consumer.ts': `import { Kafka } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { PrismaClient } from '@prisma/client';
import mongoose from 'mongoose';

const prisma = new PrismaClient();
const client = new MongoClient(process.env.MONGO_URL!);
const Ticket = mongoose.model('Ticket', new mongoose.Schema({ title: String }));
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'catalog' });

export async function run() {
  await consumer.subscribe({ topic: 'products' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      await client.db('catalog').collection('products').insertOne({ _id: event.productId, name: event.name });
      await prisma.product.create({ data: { id: event.productId, name: event.name } });
      const { ticketId } = event;
      const ticket = new Ticket({ _id: ticketId, title: event.title });
      await ticket.save();
    },
  });
}
`,
      },
    },
    {
      name: 'a requeue of the message being handled to its retry queue is not a new publish',
      files: {
        'services/billing/src/consumer.ts': `import amqp from 'amqplib';

export async function main() {
  const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
  await channel.consume('payments', async (msg) => {
    if (!msg) return;
    try {
      await fetch('http://ledger/entries', { method: 'GET' });
      channel.ack(msg);
    } catch {
      channel.sendToQueue('payments.retry', msg.content, msg.properties);
      channel.ack(msg);
    }
  });
}
`,
      },
    },
    {
      name: 'a failed message put back on its own queue from the catch, with a retry count added, is a requeue',
      files: {
        'services/billing/src/consumer.ts': `import amqp from 'amqplib';

export async function main() {
  const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
  await channel.consume('payments', async (msg) => {
    if (!msg) return;
    const body = JSON.parse(msg.content.toString()) as { orderId: string; retries?: number };
    try {
      await fetch('http://ledger/entries/' + body.orderId, { method: 'GET' });
    } catch {
      channel.sendToQueue('payments', Buffer.from(JSON.stringify({ ...body, retries: (body.retries ?? 0) + 1 })));
    }
    channel.ack(msg);
  });
}
`,
      },
    },
    {
      name: 'an outbox relay forwards each entry at least once by design: the consumers downstream deduplicate',
      files: {
        'services/cart/src/outbox-relay.ts': `import amqp from 'amqplib';

export async function relay() {
  const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
  await channel.consume('cart.outbox', async (msg) => {
    if (!msg) return;
    channel.publish('cart.events', 'cart.updated', Buffer.from(msg.content.toString()));
    channel.ack(msg);
  });
}
`,
      },
    },
  ],
  invalid: [
    {
      name: 'the same bootstrap helpers with noAck: false: RabbitMQ with manual ack redelivers (direct evidence, no inference)',
      files: rmqThroughHelpers('false'),
      errors: [{ messageId: 'unguarded', file: 'apps/orders/src/orders.controller.ts', line: 9, column: 4, severity: 'error' }],
    },
    {
      name: 'decorator Transport.RMQ on an app whose custom strategy is given noAck: false: RabbitMQ with manual ack redelivers (direct evidence)',
      files: rmqStrategyApp('false'),
      errors: [{ messageId: 'unguarded', file: 'apps/tickets/src/orders.controller.ts', line: 9, column: 4, severity: 'error' }],
    },
    {
      name: 'an @EventPattern composed into a decorator factory with applyDecorators, with Transport.RMQ: reported at the use',
      files: {
        ...rmqStrategyApp('false'),
        'apps/tickets/src/order-event.ts': `import { applyDecorators, UseInterceptors } from '@nestjs/common';
import { EventPattern, Transport } from '@nestjs/microservices';
export function OrderEvent(name: string) {
  return applyDecorators(EventPattern(name, Transport.RMQ), UseInterceptors());
}
`,
        'apps/tickets/src/orders.controller.ts': ordersController
          .replace("import { EventPattern, Payload } from '@nestjs/microservices';", "import { Payload } from '@nestjs/microservices';\nimport { OrderEvent } from './order-event';")
          .replace("@EventPattern('order.placed')", "@OrderEvent('order.placed')"),
      },
      errors: [{ messageId: 'unguarded', file: 'apps/tickets/src/orders.controller.ts', line: 10, column: 4, severity: 'error', messageIncludes: "'order.placed'" }],
    },
    {
      name: 'a custom strategy without a noAck option: still inferred (warning)',
      files: rmqStrategyApp('undefined as unknown as boolean'),
      errors: [{ messageId: 'unguarded', file: 'apps/tickets/src/orders.controller.ts', line: 9, column: 4, severity: 'warning' }],
    },
    {
      name: 'NestJS @EventPattern in an app whose bootstrap connects Kafka through a config function: error, the message names the bootstrap',
      files: {
        'apps/billing/src/orders.controller.ts': ordersController,
        'apps/billing/src/main.ts': nestMain('kafkaOptions()', `
function kafkaOptions(): MicroserviceOptions {
  return { transport: Transport.KAFKA, options: { client: { brokers: ['kafka:9092'] }, consumer: { groupId: 'billing' } } };
}
`),
      },
      errors: [{ messageId: 'unguarded', line: 9, column: 4, severity: 'error' }],
    },
    {
      name: 'NestJS custom strategy extending ServerKafka in a shared library: error',
      files: {
        'apps/billing/src/orders.controller.ts': ordersController,
        'apps/billing/src/main.ts': nestMain('{ strategy: new TracedKafkaServer({ client: { brokers: [\'kafka:9092\'] } }) }',
          `import { TracedKafkaServer } from '../../../libs/kafka/traced';\n`),
        'libs/kafka/traced.ts': `import { ServerKafka } from '@nestjs/microservices';

export class TracedKafkaServer extends ServerKafka {}
`,
      },
      errors: [{ messageId: 'unguarded', line: 9, column: 4, severity: 'error' }],
    },
    {
      name: 'NestJS RMQ transport with noAck: false acknowledges after the handler: at least once, error',
      files: {
        'apps/billing/src/orders.controller.ts': ordersController,
        'apps/billing/src/main.ts': nestMain(`{ transport: Transport.RMQ, options: { urls: ['amqp://rabbit'], queue: 'orders', noAck: false } }`),
      },
      errors: [{ messageId: 'unguarded', line: 9, column: 4, severity: 'error' }],
    },
    {
      name: 'NestJS RMQ noAck destructured from a config module that sets it false: at least once, error',
      files: {
        'apps/billing/src/orders.controller.ts': ordersController,
        'libs/config/configuration.ts': rmqConfig('false'),
        'apps/billing/src/main.ts': nestMain(`{ transport: Transport.RMQ, options: { urls: [url], queue, noAck } }`, RMQ_CONFIG_PRELUDE),
      },
      errors: [{ messageId: 'unguarded', line: 9, column: 4, severity: 'error' }],
    },
    {
      name: 'NestJS handler whose app has no bootstrap in the workspace: a warning that says the transport was assumed',
      files: { 'apps/billing/src/orders.controller.ts': ordersController },
      errors: [{ messageId: 'unguarded', line: 9, column: 4, severity: 'warning' }],
    },
    {
      name: 'the transport named in the decorator decides: @EventPattern(pattern, Transport.KAFKA) in a TCP app',
      files: {
        'apps/billing/src/orders.controller.ts': ordersController.replace("@EventPattern('order.placed')", "@EventPattern('order.placed', Transport.KAFKA)")
          .replace("import { EventPattern, Payload } from '@nestjs/microservices';", "import { EventPattern, Payload, Transport } from '@nestjs/microservices';"),
        'apps/billing/src/main.ts': nestMain(`{ transport: Transport.TCP }`),
      },
      errors: [{ messageId: 'unguarded', line: 9, column: 4, severity: 'error' }],
    },
    {
      name: 'amqplib consume with options the analysis cannot read: a warning',
      files: {
        'services/notify/src/consumer.ts': `import amqp from 'amqplib';
import nodemailer from 'nodemailer';
import { consumeOptions } from './options';

const mailer = nodemailer.createTransport({ host: 'smtp' });

export async function main() {
  const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
  await channel.consume('emails', async (msg) => {
    if (!msg) return;
    await mailer.sendMail({ to: msg.content.toString(), subject: 'Hello' });
  }, consumeOptions());
}
`,
      },
      errors: [{ messageId: 'unguarded', line: 9, column: 17, severity: 'warning' }],
    },
    {
      name: 'a Kafka handler that only appends action log rows, with reportAppendOnly: information severity',
      files: {
        'architecture.yaml': 'version: 1\nrules:\n  non-idempotent-consumer: [error, { reportAppendOnly: true }]\n',
        'services/builds/src/consumer.ts': `import { Kafka } from 'kafkajs';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'builds' });

export async function run() {
  await consumer.subscribe({ topic: 'build.log' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const line = JSON.parse(message.value!.toString());
      await prisma.actionLog.create({ data: { stepId: line.stepId, message: line.message } });
    },
  });
}
`,
      },
      errors: [{ messageId: 'unguarded', file: 'services/builds/src/consumer.ts', line: 10, column: 5, severity: 'info' }],
    },
    {
      name: 'inserts whose key is minted in the handler are not keyed on the message (insertOne with new ObjectId(), create with uuid())',
      files: {
        'services/catalog/src/consumer.ts': `import { Kafka } from 'kafkajs';
import { MongoClient, ObjectId } from 'mongodb';
import { PrismaClient } from '@prisma/client';
import { randomUUID } from 'node:crypto';

const prisma = new PrismaClient();
const client = new MongoClient(process.env.MONGO_URL!);
const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'catalog' });

export async function run() {
  await consumer.subscribe({ topic: 'products' });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      await client.db('catalog').collection('products').insertOne({ _id: new ObjectId(), name: event.name });
    },
  });
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      const id = randomUUID();
      await prisma.product.create({ data: { id, name: event.name } });
    },
  });
}
`,
      },
      errors: [
        { messageId: 'unguarded', line: 13, column: 5, severity: 'error' },
        { messageId: 'unguarded', line: 19, column: 5, severity: 'error' },
      ],
    },
  ],
});

/** An HTTP-only Nest app (NestFactory.create, no microservice) holding the orders controller, and a Kafka app beside it. */
const httpOnlyApps = (membershipMain: string) => ({
  'apps/membership/Dockerfile': 'FROM node:20\n',
  'apps/membership/src/orders.controller.ts': ordersController,
  'apps/membership/src/main.ts': membershipMain,
  'apps/billing/Dockerfile': 'FROM node:20\n',
  'apps/billing/src/main.ts': nestMain("{ transport: Transport.KAFKA, options: { client: { brokers: ['kafka:9092'] } } }"),
});

const HTTP_ONLY_MAIN = `import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  await app.listen(3000);
}
bootstrap();
`;

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: "an @EventPattern in an app that starts only an HTTP server: no transport calls it (another app's Kafka bootstrap is not its own)", files: httpOnlyApps(HTTP_ONLY_MAIN) },
  ],
  invalid: [
    {
      name: 'the same app connecting a Kafka microservice: its handler redelivers',
      files: httpOnlyApps(nestMain("{ transport: Transport.KAFKA, options: { client: { brokers: ['kafka:9092'] } } }")),
      errors: [{ messageId: 'unguarded', file: 'apps/membership/src/orders.controller.ts', line: 9, column: 4, severity: 'error' }],
    },
  ],
});

/** A bull queue with the given options and a processor inserting a row (line 5 is `process`). */
const bullQueue = (options: string) => ({
  'services/indexer/src/queue.ts': [
    "import Queue from 'bull';",
    "import { Pool } from 'pg';",
    'const pool = new Pool();',
    `export const bulkQueue = new Queue('bulk-index', process.env.REDIS_URL!, ${options});`,
    "bulkQueue.process(async (job) => { await pool.query('INSERT INTO index_runs (started) VALUES (now())'); });",
    '',
  ].join('\n'),
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'a bull queue with maxStalledCount: 0 and attempts: 1 runs a job at most once', files: bullQueue('{ defaultJobOptions: { attempts: 1 }, settings: { maxStalledCount: 0 } }') },
  ],
  invalid: [
    {
      name: 'maxStalledCount: 0 but retries on failure: at least once',
      files: bullQueue('{ defaultJobOptions: { attempts: 3 }, settings: { maxStalledCount: 0 } }'),
      errors: [{ messageId: 'unguarded', file: 'services/indexer/src/queue.ts', line: 5, column: 11 }],
    },
    {
      name: 'attempts: 1 alone: a stalled job is still run again',
      files: bullQueue('{ defaultJobOptions: { attempts: 1 } }'),
      errors: [{ messageId: 'unguarded', file: 'services/indexer/src/queue.ts', line: 5, column: 11 }],
    },
  ],
});

describe('transport semantics table', () => {
  it('is the one the docs page prints: every transport\'s delivery and reason', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../../docs/rules/non-idempotent-consumer.md'), 'utf8');
    const label = { 'at-least-once': 'at least once', 'request-response': 'request/response', 'at-most-once': 'at most once' };
    for (const [id, t] of Object.entries(TRANSPORTS)) {
      const row = doc.replace(/`/g, '').split('\n').find((line) => line.startsWith('|') && line.includes(`| ${t.why} |`));
      assert.ok(row, `docs table has no row for ${id} (${t.why})`);
      assert.ok(row.includes(`| ${label[t.delivery]} |`), `docs row for ${id} says ${label[t.delivery]}`);
    }
  });
});
