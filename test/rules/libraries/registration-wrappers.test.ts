/**
 * Registration wrappers: a BullMQ `Worker` (or bull `queue.process`) created inside a function
 * that takes the processor as a parameter registers, at each call of that function, the
 * processor passed there; the finding points at that call. A wrapper nobody calls registers nothing.
 * The same for a kafkajs `consumer.run(runConfig)` inside a `consume(topic, config, runConfig)`
 * service: each caller's `eachMessage` is a handler, also when a handler factory
 * (`eachMessage: this.handleChanges()`) returns it, or a higher-order wrapper (`traceFunction(options)(fn)`) is given it. And a kafkajs subscribe wrapper
 * (`subscribeToTopic(topic) { consumer.subscribe({ topic }) }`) subscribes to what its callers name.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const MANAGER = lines(
  "import { Worker, Processor, Job } from 'bullmq';",
  '',
  'export class WorkerManager {',
  '  private static workers: Record<string, Worker> = {};',
  '',
  '  private static metricWrapper(processor: Processor, queueName: string): Processor {',
  '    return async (job: Job) => {',
  '      const started = Date.now();',
  '      const result = await processor(job);',
  '      console.log(queueName, Date.now() - started);',
  '      return result;',
  '    };',
  '  }',
  '',
  '  public static register(queueName: string, processor: Processor, concurrency = 1): void {',
  '    if (WorkerManager.workers[queueName]) return;',
  '    WorkerManager.workers[queueName] = new Worker(queueName, WorkerManager.metricWrapper(processor, queueName), { concurrency });',
  '  }',
  '}',
);

const PROCESSORS = lines(
  "import { Job } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  'export async function notificationProcessor(job: Job<{ userId: string }>) {',
  "  await prisma.notification.create({ data: { userId: job.data.userId, kind: 'mention' } });",
  '}',
  '',
  'export async function cleanupProcessor(job: Job<{ id: string }>) {',
  '  await prisma.notification.deleteMany({ where: { id: job.data.id } });',
  '}',
);

const APP = lines(
  "import { WorkerManager } from './workerManager';",
  "import { notificationProcessor, cleanupProcessor } from './processors';",
  '',
  "WorkerManager.register('notifications', notificationProcessor);",
  "WorkerManager.register('cleanup', cleanupProcessor, 2);",
);

const UNCALLED = lines(
  "import { Worker, Processor } from 'bullmq';",
  '',
  'export function startWorker(name: string, processor: Processor) {',
  '  return new Worker(name, processor);',
  '}',
);

const KAFKA_SERVICE = lines(
  "import { Kafka, type ConsumerConfig, type ConsumerRunConfig, type ConsumerSubscribeTopics } from 'kafkajs';",
  '',
  "const kafka = new Kafka({ brokers: ['kafka:9092'] });",
  '',
  'export class ConsumerService {',
  '  async consume(topic: ConsumerSubscribeTopics, config: ConsumerConfig, runConfig: ConsumerRunConfig) {',
  '    const consumer = kafka.consumer(config);',
  '    await consumer.subscribe(topic);',
  '    await consumer.run(runConfig);',
  '  }',
  '}',
);

const KAFKA_CALLER = (handler: string) => lines(
  "import type { EachMessagePayload } from 'kafkajs';",
  "import { PrismaClient } from '@prisma/client';",
  "import { ConsumerService } from './consumer.service';",
  '',
  'const prisma = new PrismaClient();',
  '',
  'export class CustomersConsumer {',
  '  constructor(private readonly consumers: ConsumerService) {}',
  '',
  '  async start() {',
  "    await this.consumers.consume({ topics: ['customers.changes'] }, { groupId: 'segments' }, { eachMessage: this.handleChanges() });",
  '  }',
  '',
  '  private handleChanges() {',
  '    return async ({ message }: EachMessagePayload) => {',
  `      ${handler}`,
  '    };',
  '  }',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'a registration wrapper that is never called registers no handler', files: { 'services/worker/src/start.ts': UNCALLED } },
    {
      name: 'kafkajs run through a consume() service: a handler whose write is idempotent is not reported',
      files: {
        'services/segments/src/consumer.service.ts': KAFKA_SERVICE,
        'services/segments/src/customers.consumer.ts': KAFKA_CALLER("await prisma.customer.update({ where: { id: String(message.key) }, data: { name: String(message.value) } });"),
      },
    },
  ],
  invalid: [
    {
      name: 'BullMQ Worker created in WorkerManager.register around a metric wrapper: the insert-only processor is reported at its register call',
      files: {
        'services/worker/src/workerManager.ts': MANAGER,
        'services/worker/src/processors.ts': PROCESSORS,
        'services/worker/src/app.ts': APP,
      },
      errors: [{ messageId: 'unguarded', file: 'services/worker/src/app.ts', ...at(APP, 'register(') }],
    },
    {
      name: 'kafkajs run through a consume() service, the handler made by a factory method: reported at the caller\'s eachMessage, topic from the caller',
      files: {
        'services/segments/src/consumer.service.ts': KAFKA_SERVICE,
        'services/segments/src/customers.consumer.ts': KAFKA_CALLER("await prisma.segmentMember.create({ data: { customerId: String(message.key) } });"),
      },
      errors: [{
        messageId: 'unguarded', file: 'services/segments/src/customers.consumer.ts', ...at(KAFKA_CALLER(''), 'eachMessage'),
        messageIncludes: 'kafkajs eachMessage handler for "customers.changes", registered through consume()',
      }],
    },
  ],
});

/** A kafkajs consumer module with separate subscribe and run wrappers, as services split them. */
const KAFKA_CONSUMER_MODULE = lines(
  "import { Kafka, type Consumer, type EachMessagePayload } from 'kafkajs';",
  '',
  'let consumer: Consumer;',
  '',
  'export const connectConsumer = async () => {',
  "  consumer = new Kafka({ clientId: 'kyc', brokers: ['kafka:9092'] }).consumer({ groupId: 'kyc-group' });",
  '  await consumer.connect();',
  '};',
  '',
  'export const subscribeToTopic = async (topic: string) => {',
  '  await consumer.subscribe({ topic, fromBeginning: true });',
  '};',
  '',
  'export const startConsuming = async (handler: (payload: EachMessagePayload) => Promise<void>) => {',
  '  await consumer.run({ eachMessage: async (payload) => handler(payload) });',
  '};',
);

const KYC_SERVER = lines(
  "import { connectConsumer, subscribeToTopic, startConsuming } from './config/kafka-consumer';",
  '',
  'export async function start() {',
  '  await connectConsumer();',
  "  await subscribeToTopic('kyc-events');",
  '  await startConsuming(async ({ message }) => console.log(message.value?.toString()));',
  '}',
);

const USER_PUBLISHER = lines(
  "import { Kafka } from 'kafkajs';",
  '',
  "const producer = new Kafka({ clientId: 'users', brokers: ['kafka:9092'] }).producer();",
  '',
  'export async function askKyc(userId: string) {',
  "  await producer.send({ topic: 'kyc-events', messages: [{ value: JSON.stringify({ action: 'getOwnKYC', payload: { userId } }) }] });",
  '}',
);

runRuleTests('missing-correlation-id', {
  valid: [],
  invalid: [{
    name: 'the topic of a kafkajs subscribe wrapper is the one its caller names: the hop to that consumer is seen, not inferred',
    files: {
      'services/kyc/src/config/kafka-consumer.ts': KAFKA_CONSUMER_MODULE,
      'services/kyc/src/server.ts': KYC_SERVER,
      'services/users/src/kyc.ts': USER_PUBLISHER,
    },
    errors: [{
      // The rule's own severity: an inferred hop would be one step lower (info).
      messageId: 'missing', file: 'services/users/src/kyc.ts', ...at(USER_PUBLISHER, 'send('), severity: 'warning',
    }],
  }],
});

/**
 * A consume wrapper whose inline handler calls the function its caller passes
 * (`subscribeToEvents(func)`, acking in `finally`): the handler runs what each caller passes.
 */
const AMQP_PROVIDER = lines(
  "import amqp from 'amqplib';",
  '',
  'export class QueueProvider {',
  '  async subscribeToEvents(func: (body: string) => Promise<unknown>): Promise<string> {',
  "    const conn = await amqp.connect(process.env.AMQP_URL ?? 'amqp://rabbitmq');",
  '    const channel = await conn.createChannel();',
  "    const { consumerTag } = await channel.consume('payments', async (message) => {",
  '      if (!message) return;',
  '      try {',
  '        await func(message.content.toString());',
  '      } finally {',
  '        channel.ack(message);',
  '      }',
  '    });',
  '    return consumerTag;',
  '  }',
  '}',
);

const AMQP_CALLER = (effect: string) => lines(
  "import { PrismaClient } from '@prisma/client';",
  "import { QueueProvider } from './queue.provider';",
  '',
  'const prisma = new PrismaClient();',
  '',
  'export class PaymentsService {',
  '  constructor(private readonly queue: QueueProvider) {}',
  '',
  '  listen() {',
  '    return this.queue.subscribeToEvents((body: string) => this.record(body));',
  '  }',
  '',
  '  async record(body: string) {',
  `    ${effect}`,
  '  }',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [{
    name: 'a consume wrapper whose handler runs the caller\'s function: an update keyed on the message is not reported',
    files: {
      'services/payments/src/queue.provider.ts': AMQP_PROVIDER,
      'services/payments/src/payments.service.ts': AMQP_CALLER("await prisma.payment.update({ where: { id: JSON.parse(body).id }, data: { settled: true } });"),
    },
  }],
  invalid: [{
    name: 'a consume wrapper whose handler runs the caller\'s function: the insert that function makes is repeated on redelivery',
    files: {
      'services/payments/src/queue.provider.ts': AMQP_PROVIDER,
      'services/payments/src/payments.service.ts': AMQP_CALLER("await prisma.ledgerEntry.create({ data: { amount: JSON.parse(body).amount } });"),
    },
    errors: [{ messageId: 'unguarded', file: 'services/payments/src/queue.provider.ts', ...at(AMQP_PROVIDER, 'consume(') }],
  }],
});

/** A Worker subclass whose constructor registers the processor through `super(queueName, processor)`. */
const QUEUE_WORKER = lines(
  "import { Worker, type Processor } from 'bullmq';",
  '',
  'export class QueueWorker extends Worker {',
  '  constructor(queueName: string, connection: { host: string }, processor: Processor) {',
  '    super(queueName, processor, { connection, concurrency: 5 });',
  "    this.on('failed', (job) => console.error(queueName, job?.id));",
  '  }',
  '}',
);

const WORKERS = lines(
  "import { QueueWorker } from './queueWorker';",
  "import { notificationProcessor, cleanupProcessor } from './processors';",
  '',
  "const connection = { host: process.env.REDIS_HOST ?? 'redis' };",
  "export const workers = [new QueueWorker('notifications', connection, notificationProcessor), new QueueWorker('cleanup', connection, cleanupProcessor)];",
);

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [{
    name: 'a Worker subclass registering through super(): each `new` registers the processor it is given, for the queue it names',
    files: {
      'services/worker/src/queueWorker.ts': QUEUE_WORKER,
      'services/worker/src/processors.ts': PROCESSORS,
      'services/worker/src/workers.ts': WORKERS,
    },
    errors: [{
      messageId: 'unguarded', file: 'services/worker/src/workers.ts', ...at(WORKERS, 'QueueWorker('),
      messageIncludes: 'BullMQ worker for "notifications", registered through QueueWorker()',
    }],
  }],
});

/**
 * The same wrapper called by two modules with different functions, each inserting: each is its own registration,
 * not merged into the wrapper's handler (merged, either insert would be reported there).
 */
const AMQP_SECOND_CALLER = lines(
  "import { PrismaClient } from '@prisma/client';",
  "import { QueueProvider } from './queue.provider';",
  '',
  'const prisma = new PrismaClient();',
  '',
  'export class AuditService {',
  '  constructor(private readonly queue: QueueProvider) {}',
  '  listen() {',
  '    return this.queue.subscribeToEvents(async (body: string) => { await prisma.auditEntry.create({ data: { body } }); });',
  '  }',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [{
    name: 'a consume wrapper whose callers pass different functions: the handlers are not merged into the wrapper\'s',
    files: {
      'services/payments/src/queue.provider.ts': AMQP_PROVIDER,
      'services/payments/src/payments.service.ts': AMQP_CALLER("await prisma.ledgerEntry.create({ data: { amount: JSON.parse(body).amount } });"),
      'services/payments/src/audit.service.ts': AMQP_SECOND_CALLER,
    },
  }],
  invalid: [],
});

/** A bull queue whose process handler is given through a higher-order tracing wrapper (`traceFunction(options)(fn)`). */
const TRACED = (effect: string) => lines(
  "import Queue from 'bull';",
  "import { Pool } from 'pg';",
  "import { traceFunction } from './tracing';",
  '',
  'const pool = new Pool();',
  "const events = new Queue('events', process.env.REDIS_URL!);",
  '',
  'export function init() {',
  '  events.process(',
  '    4,',
  "    traceFunction({ serviceName: 'worker', spanName: 'process' })(async function (job) {",
  `      ${effect}`,
  '    }),',
  '  );',
  '}',
);

const TRACING = lines(
  'export function traceFunction(options: { serviceName: string; spanName: string }) {',
  '  return <F extends (...args: any[]) => any>(fn: F) => (async (...args: Parameters<F>) => {',
  '    console.log(options.spanName);',
  '    return fn(...args);',
  '  }) as F;',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [{
    name: 'a handler given through a higher-order wrapper: an update keyed on the job is not reported',
    files: { 'services/worker/src/worker.ts': TRACED("await pool.query('UPDATE events SET seen = true WHERE id = $1', [job.data.id]);"), 'services/worker/src/tracing.ts': TRACING },
  }],
  invalid: [{
    name: 'a handler given through a higher-order wrapper (traceFunction(options)(fn)): its insert is the handler\'s',
    files: { 'services/worker/src/worker.ts': TRACED("await pool.query('INSERT INTO deliveries (name) VALUES ($1)', [job.data.name]);"), 'services/worker/src/tracing.ts': TRACING },
    errors: [{ messageId: 'unguarded', file: 'services/worker/src/worker.ts', ...at(TRACED(''), 'process(') }],
  }],
});
