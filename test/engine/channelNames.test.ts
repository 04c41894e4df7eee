/**
 * Channel names built from constants link producers to consumers across files: string constants,
 * enum members, `static readonly` fields, const objects, `SomeClass.name`, template literals of
 * constants, helpers returning one expression, config reads with a literal default, Nest object
 * patterns and queue objects' `.name`. A name that does not resolve links nothing (no guess from
 * the expression's text).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeWorkspace } from '../../server/src/engine/system/workspace';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const COMPOSE = lines(
  'services:',
  '  orders:',
  '    build: ./services/orders',
  '  billing:',
  '    build: ./services/billing',
);

function channelsOf(files: Record<string, string>) {
  const root = writeWorkspace({ 'docker-compose.yml': COMPOSE, ...files });
  try {
    return describeWorkspace({ root }).channels.map((c) => ({ name: c.name, transport: c.transport, producers: c.producers, consumers: c.consumers }));
  } finally {
    removeWorkspace(root);
  }
}

const TOPICS = lines(
  "export enum Topics { OrderPlaced = 'order.placed' }", //                       enum member
  "export class Names { static readonly REFUNDED = 'order.refunded'; }", //     static readonly
  "export const EVENTS = { shipped: 'order.shipped' } as const;", //             const object
  "export const PREFIX = 'shop';", //
  'export const CANCELLED = `${PREFIX}.order.cancelled`;', //                    template of constants
  'export const topicOf = (name: string) => `${PREFIX}.${name}`;', //           helper
  'export class InvoiceIssued {}', //                                          SomeClass.name
);

test('kafka: names from enum members, static readonly fields, const objects, templates, helpers and class names link across files', () => {
  const channels = channelsOf({
    'libs/contracts/topics.ts': TOPICS,
    'services/orders/src/main.ts': lines(
      "import { Kafka } from 'kafkajs';",
      "import { Topics, Names, EVENTS, CANCELLED, topicOf, InvoiceIssued } from '../../../libs/contracts/topics';",
      "const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();",
      'export async function publish(id: string) {',
      '  await producer.send({ topic: Topics.OrderPlaced, messages: [{ value: id }] });',
      '  await producer.send({ topic: Names.REFUNDED, messages: [{ value: id }] });',
      '  await producer.send({ topic: EVENTS.shipped, messages: [{ value: id }] });',
      '  await producer.send({ topic: CANCELLED, messages: [{ value: id }] });',
      "  await producer.send({ topic: topicOf('paid'), messages: [{ value: id }] });",
      '  await producer.send({ topic: InvoiceIssued.name, messages: [{ value: id }] });',
      "  await producer.send({ topic: process.env.AUDIT_TOPIC ?? 'audit', messages: [{ value: id }] });",
      '}',
    ),
    'services/billing/src/main.ts': lines(
      "import { Kafka } from 'kafkajs';",
      "import { Topics, Names, EVENTS, CANCELLED, topicOf, InvoiceIssued } from '../../../libs/contracts/topics';",
      "const consumer = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });",
      'export async function start() {',
      "  await consumer.subscribe({ topics: [Topics.OrderPlaced, Names.REFUNDED, EVENTS.shipped, CANCELLED, topicOf('paid'), InvoiceIssued.name, 'audit'] });",
      '  await consumer.run({ eachMessage: async ({ message }) => { console.log(message.value); } });',
      '}',
    ),
  });
  const link = (name: string) => ({ name, transport: 'kafka', producers: ['orders'], consumers: ['billing'] });
  assert.deepEqual(channels, [
    link('InvoiceIssued'), link('audit'), link('order.placed'), link('order.refunded'), link('order.shipped'),
    link('shop.order.cancelled'), link('shop.paid'),
  ]);
});

test('kafka: a topic from a parameter, an unknown config value or a template with an unknown part links nothing', () => {
  const channels = channelsOf({
    'services/orders/src/main.ts': lines(
      "import { Kafka } from 'kafkajs';",
      "const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();",
      'export async function publish(topic: string, id: string) {',
      '  await producer.send({ topic, messages: [{ value: id }] });',
      '  await producer.send({ topic: process.env.ORDERS_TOPIC!, messages: [{ value: id }] });',
      "  await producer.send({ topic: `${process.env.STAGE}.orders`, messages: [{ value: id }] });",
      '}',
    ),
    'services/billing/src/main.ts': lines(
      "import { Kafka } from 'kafkajs';",
      "const consumer = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });",
      'export async function start(topic: string) {',
      "  await consumer.subscribe({ topics: [topic, process.env.ORDERS_TOPIC!, `${process.env.STAGE}.orders`] });",
      '  await consumer.run({ eachMessage: async ({ message }) => { console.log(message.value); } });',
      '}',
    ),
  });
  assert.deepEqual(channels, []);
});

test('nest: ClientProxy.send with an enum member or an object pattern reaches @MessagePattern in another service', () => {
  const channels = channelsOf({
    'libs/contracts/patterns.ts': "export enum Patterns { GetUser = 'get_user' }\n",
    'services/orders/src/users.client.ts': lines(
      "import { ClientProxy } from '@nestjs/microservices';",
      "import { Patterns } from '../../../libs/contracts/patterns';",
      'export class UsersClient {',
      '  constructor(private readonly client: ClientProxy) {}',
      "  get(id: string) { return this.client.send(Patterns.GetUser, { id }); }",
      "  notify(id: string) { return this.client.emit({ cmd: 'notify_email' }, { id }); }",
      '}',
    ),
    'services/billing/src/users.controller.ts': lines(
      "import { EventPattern, MessagePattern } from '@nestjs/microservices';",
      "import { Patterns } from '../../../libs/contracts/patterns';",
      'export class UsersController {',
      '  @MessagePattern(Patterns.GetUser)',
      '  get(data: { id: string }) { return data.id; }',
      "  @EventPattern({ cmd: 'notify_email' })",
      '  notify(data: { id: string }) { return data.id; }',
      '}',
    ),
  });
  assert.deepEqual(channels, [
    { name: 'get_user', transport: 'nestjs', producers: ['orders'], consumers: ['billing'] },
    { name: "{ cmd: 'notify_email' }", transport: 'nestjs', producers: ['orders'], consumers: ['billing'] },
  ]);
});

test('nest: an object pattern held by a local const reaches its handler; a let that may change links nothing', () => {
  const channels = channelsOf({
    'services/orders/src/webhooks.client.ts': lines(
      "import { ClientProxy } from '@nestjs/microservices';",
      'export class WebhooksClient {',
      '  constructor(private readonly client: ClientProxy) {}',
      '  url(orgId: string) {',
      "    const pattern = { cmd: 'get-webhook-url' };",
      '    return this.client.send(pattern, { orgId });',
      '  }',
      '  retry(orgId: string, again: boolean) {',
      "    let pattern = { cmd: 'retry-webhook' };",
      "    if (again) pattern = { cmd: 'retry-webhook-again' };",
      '    return this.client.send(pattern, { orgId });',
      '  }',
      '}',
    ),
    'services/billing/src/webhooks.controller.ts': lines(
      "import { MessagePattern } from '@nestjs/microservices';",
      'export class WebhooksController {',
      "  @MessagePattern({ cmd: 'get-webhook-url' })",
      '  url(data: { orgId: string }) { return data.orgId; }',
      "  @MessagePattern({ cmd: 'retry-webhook' })",
      '  retry(data: { orgId: string }) { return data.orgId; }',
      '}',
    ),
  });
  assert.deepEqual(channels.filter((c) => c.producers.length && c.consumers.length), [
    { name: "{ cmd: 'get-webhook-url' }", transport: 'nestjs', producers: ['orders'], consumers: ['billing'] },
  ]);
});

test('bullmq: a worker on a queue object\'s name and a bull queue.process link to the queue\'s producers', () => {
  const channels = channelsOf({
    'libs/queues/queues.ts': lines(
      "import { Queue } from 'bullmq';",
      "export const queueName = (name: string) => process.env.QUEUE_CLUSTER ? `{${name}}` : name;",
      "export const emailQueue = new Queue(queueName('email'));",
    ),
    'services/orders/src/main.ts': lines(
      "import { emailQueue } from '../../../libs/queues/queues';",
      "export async function notify(id: string) { await emailQueue.add('welcome', { id }, { jobId: id }); }",
    ),
    'services/billing/src/worker.ts': lines(
      "import { Worker } from 'bullmq';",
      "import Queue from 'bull';",
      "import { emailQueue } from '../../../libs/queues/queues';",
      'new Worker(emailQueue.name, async (job) => { console.log(job.data); });',
      "const invoices = new Queue('invoices');",
      'invoices.process(async (job) => { console.log(job.data); });',
      "export async function later(id: string) { await invoices.add({ id }); }",
    ),
  });
  assert.deepEqual(channels, [
    { name: 'email', transport: 'bullmq', producers: ['orders'], consumers: ['billing'] },
    { name: 'invoices', transport: 'bull', producers: ['billing'], consumers: ['billing'] },
    { name: '{email}', transport: 'bullmq', producers: ['orders'], consumers: ['billing'] },
  ]);
});

test('nest: a pattern sent over TCP and waited for is a call between services; an event emitted over TCP stays a channel', () => {
  const root = writeWorkspace({
    'docker-compose.yml': COMPOSE,
    'services/orders/src/payments.client.ts': lines(
      "import { ClientProxy } from '@nestjs/microservices';",
      'export class PaymentsClient {',
      '  constructor(private readonly client: ClientProxy) {}',
      "  charge(id: string) { return this.client.send('create_charge', { id }); }",
      "  notify(id: string) { return this.client.emit('notify_email', { id }); }",
      '}',
    ),
    'services/billing/src/main.ts': lines(
      "import { NestFactory } from '@nestjs/core';",
      "import { Transport } from '@nestjs/microservices';",
      "import { AppModule } from './app.module';",
      'async function bootstrap() {',
      '  const app = await NestFactory.create(AppModule);',
      '  app.connectMicroservice({ transport: Transport.TCP });',
      '  await app.startAllMicroservices();',
      '}',
      'bootstrap();',
    ),
    'services/billing/src/app.module.ts': 'export class AppModule {}\n',
    'services/billing/src/payments.controller.ts': lines(
      "import { EventPattern, MessagePattern } from '@nestjs/microservices';",
      'export class PaymentsController {',
      "  @MessagePattern('create_charge')",
      '  charge(data: { id: string }) { return data.id; }',
      "  @EventPattern('notify_email')",
      '  notify(data: { id: string }) { return data.id; }',
      '}',
    ),
  });
  try {
    const model = describeWorkspace({ root });
    assert.deepEqual(model.channels.map((c) => [c.name, c.producers, c.consumers]), [['notify_email', ['orders'], ['billing']]]);
    assert.deepEqual(model.syncCalls, [{ from: 'orders', to: 'billing', evidence: [{ file: 'services/orders/src/payments.client.ts', line: 4 }] }]);
  } finally {
    removeWorkspace(root);
  }
});

test('nest: a pattern sent to a service served over Kafka stays a channel', () => {
  const channels = channelsOf({
    'services/orders/src/users.client.ts': lines(
      "import { ClientKafka } from '@nestjs/microservices';",
      'export class UsersClient {',
      '  constructor(private readonly client: ClientKafka) {}',
      "  get(id: string) { return this.client.send('get_user', { id }); }",
      '}',
    ),
    'services/billing/src/main.ts': lines(
      "import { NestFactory } from '@nestjs/core';",
      "import { Transport } from '@nestjs/microservices';",
      'class AppModule {}',
      "NestFactory.createMicroservice(AppModule, { transport: Transport.KAFKA, options: { client: { brokers: ['kafka:9092'] } } });",
    ),
    'services/billing/src/users.controller.ts': lines(
      "import { MessagePattern } from '@nestjs/microservices';",
      'export class UsersController {',
      "  @MessagePattern('get_user')",
      '  get(data: { id: string }) { return data.id; }',
      '}',
    ),
  });
  assert.deepEqual(channels, [{ name: 'get_user', transport: 'nestjs', producers: ['orders'], consumers: ['billing'] }]);
});

test('temporal: workflow starts and activity proxies reach the workers polling their task queue, also through a module wrapper', () => {
  const root = writeWorkspace({
    'docker-compose.yml': lines(COMPOSE.trimEnd(), '  worker:', '    build: ./services/worker'),
    'libs/temporal/queues.ts': "export enum TaskQueue { Order = 'order-queue', Billing = 'billing-queue' }\n",
    'libs/temporal/temporal.module.ts': lines(
      "import { TemporalModule, TemporalOptions } from 'nestjs-temporal-core';",
      'export class SharedTemporalModule {',
      '  static forRoot(options?: TemporalOptions) {',
      "    return TemporalModule.registerAsync({ useFactory: () => ({ ...options, connection: { address: 'temporal:7233' } }) });",
      '  }',
      '}',
    ),
    'services/orders/src/orders.service.ts': lines(
      "import { TemporalService } from 'nestjs-temporal-core';",
      "import { TaskQueue } from '../../../libs/temporal/queues';",
      'export class OrdersService {',
      '  constructor(private readonly temporal: TemporalService) {}',
      "  place(id: string) { return this.temporal.startWorkflow('processOrder', [id], { taskQueue: TaskQueue.Order, workflowId: id }); }",
      '}',
    ),
    'services/worker/src/worker.module.ts': lines(
      "import { SharedTemporalModule } from '../../../libs/temporal/temporal.module';",
      "import { TaskQueue } from '../../../libs/temporal/queues';",
      "export const imports = [SharedTemporalModule.forRoot({ taskQueue: TaskQueue.Order, worker: { workflowsPath: './workflows' } })];",
    ),
    'services/worker/src/workflows/order.ts': lines(
      "import { proxyActivities } from '@temporalio/workflow';",
      "import { TaskQueue } from '../../../../libs/temporal/queues';",
      "const billing = proxyActivities<{ charge(id: string): Promise<void> }>({ startToCloseTimeout: '30 seconds', taskQueue: TaskQueue.Billing });",
      'export async function processOrder(id: string) { await billing.charge(id); }',
    ),
    'services/billing/src/main.ts': lines(
      "import { Worker } from '@temporalio/worker';",
      "import { TaskQueue } from '../../../libs/temporal/queues';",
      "export async function run() { const w = await Worker.create({ taskQueue: TaskQueue.Billing, activities: {} }); await w.run(); }",
    ),
  });
  try {
    const model = describeWorkspace({ root });
    assert.deepEqual(model.channels.map((c) => [c.name, c.transport, c.producers, c.consumers]), [
      ['billing-queue', 'temporal', ['worker'], ['billing']],
      ['order-queue', 'temporal', ['orders'], ['worker']],
    ]);
  } finally {
    removeWorkspace(root);
  }
});

test('temporal: a registration without a worker, or with a task queue that does not resolve, is no end of a channel', () => {
  const channels = channelsOf({
    'services/orders/src/orders.module.ts': lines(
      "import { TemporalModule } from 'nestjs-temporal-core';",
      "export const imports = [TemporalModule.register({ taskQueue: 'order-queue', connection: { address: 'temporal:7233' } })];",
    ),
    'services/billing/src/main.ts': lines(
      "import { Worker } from '@temporalio/worker';",
      'export async function run(queue: string) { const w = await Worker.create({ taskQueue: queue, activities: {} }); await w.run(); }',
    ),
  });
  assert.deepEqual(channels, []);
});

test('bullmq: a queue handed out by a singleton getter and a worker registered through a wrapper link through their callers', () => {
  const channels = channelsOf({
    'libs/queues/names.ts': "export enum QueueName { Notification = 'notification-queue', Sharded = 'sharded-queue' }\n",
    'libs/queues/notificationQueue.ts': lines(
      "import { Queue } from 'bullmq';",
      "import { QueueName } from './names';",
      'export class NotificationQueue {',
      '  private static instance: Queue | null = null;',
      '  static getInstance(): Queue | null {',
      '    if (NotificationQueue.instance) return NotificationQueue.instance;',
      '    NotificationQueue.instance = new Queue(QueueName.Notification);',
      '    return NotificationQueue.instance;',
      '  }',
      '  static shard(i: number): Queue {',
      '    return new Queue(`${QueueName.Sharded}-${i}`);',
      '  }',
      '}',
    ),
    'services/orders/src/main.ts': lines(
      "import { NotificationQueue } from '../../../libs/queues/notificationQueue';",
      'export async function notify(id: string) {',
      "  await NotificationQueue.getInstance()?.add('comment', { id });",
      "  await NotificationQueue.shard(1).add('comment', { id });",
      '}',
    ),
    'services/billing/src/workerManager.ts': lines(
      "import { Worker, type Processor } from 'bullmq';",
      'export class WorkerManager {',
      '  static register(queueName: string, processor: Processor) { return new Worker(queueName, processor); }',
      '}',
    ),
    'services/billing/src/main.ts': lines(
      "import { WorkerManager } from './workerManager';",
      "import { QueueName } from '../../../libs/queues/names';",
      'WorkerManager.register(QueueName.Notification, async (job) => { console.log(job.data); });',
    ),
  });
  assert.deepEqual(channels, [{ name: 'notification-queue', transport: 'bullmq', producers: ['orders'], consumers: ['billing'] }]);
});

test('a queue field the constructor assigns once resolves to its name; subscribe/publish wrappers are named by their callers', () => {
  const channels = channelsOf({
    'services/orders/src/jobs.ts': lines(
      "import { Queue, Worker } from 'bullmq';",
      "const QUEUE_NAME = 'order-jobs';",
      'export class Jobs {',
      '  private queue: Queue;',
      '  constructor() {',
      "    this.queue = new Queue(QUEUE_NAME, { connection: { host: 'redis' } });",
      '    new Worker(QUEUE_NAME, async (job) => { console.log(job.data); });',
      '  }',
      "  add(id: string) { return this.queue.add('job', { id }); }",
      '}',
    ),
    'services/orders/src/redis.ts': lines(
      "import Redis from 'ioredis';",
      'const pub = new Redis();',
      'const sub = new Redis();',
      'export const publishEvent = (channel: string, message: string) => pub.publish(channel, message);',
      'export function listen(channel: string, callback: (m: string) => void) {',
      '  void sub.subscribe(channel);',
      "  sub.on('message', (received, message) => { if (received === channel) callback(message); });",
      '}',
    ),
    'services/orders/src/events.ts': lines(
      "import { listen, publishEvent } from './redis';",
      "listen('order_events', (m) => console.log(m));",
      "export const announce = (id: string) => publishEvent('order_events', id);",
    ),
  });
  assert.deepEqual(channels.filter((c) => c.name === 'order-jobs' || c.name === 'order_events'), [
    { name: 'order-jobs', transport: 'bullmq', producers: ['orders'], consumers: ['orders'] },
    { name: 'order_events', transport: 'redis', producers: ['orders'], consumers: ['orders'] },
  ]);
});

test('a queue named only by a constructor parameter is not linked in the model (no name to show, no guess)', () => {
  const channels = channelsOf({
    'services/orders/src/jobs.ts': lines(
      "import { Queue, Worker } from 'bullmq';",
      'export class Jobs {',
      '  private queue: Queue;',
      '  constructor(private queueName: string) {',
      "    this.queue = new Queue(queueName, { connection: { host: 'redis' } });",
      '    new Worker(this.queueName, async (job) => { console.log(job.data); });',
      '  }',
      "  add(id: string) { return this.queue.add('job', { id }); }",
      '}',
    ),
  });
  assert.deepEqual(channels, []);
});

test("a channel name imported through a package's tsconfig (its baseUrl, another's paths) links producer and consumer", () => {
  const channels = channelsOf({
    'services/orders/tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: './' } }),
    'services/orders/src/integrations/topics.ts': "export enum Topics { OrderPlaced = 'order.placed' }\n",
    'services/orders/src/main.ts': lines(
      "import { Kafka } from 'kafkajs';",
      "import { Topics } from 'src/integrations/topics';",
      "const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();",
      "export async function publish(id: string) { await producer.send({ topic: Topics.OrderPlaced, messages: [{ value: id }] }); }",
    ),
    'services/billing/tsconfig.json': JSON.stringify({ extends: './tsconfig.base.json' }),
    'services/billing/tsconfig.base.json': JSON.stringify({ compilerOptions: { paths: { '@orders/*': ['../orders/src/*'] } } }),
    'services/billing/src/main.ts': lines(
      "import { Kafka } from 'kafkajs';",
      "import { Topics } from '@orders/integrations/topics';",
      "const consumer = new Kafka({ clientId: 'billing', brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });",
      'export async function start() {',
      '  await consumer.subscribe({ topics: [Topics.OrderPlaced] });',
      '  await consumer.run({ eachMessage: async ({ message }) => { console.log(message.value); } });',
      '}',
    ),
  });
  assert.deepEqual(channels, [{ name: 'order.placed', transport: 'kafka', producers: ['orders'], consumers: ['billing'] }]);
});

test('a consumer held in a module `let` typed `ReturnType<typeof kafka.consumer>` and a topic from a helper with an env default link', () => {
  const channels = channelsOf({
    'libs/kafka/index.ts': lines(
      "import { Kafka } from 'kafkajs';",
      "export const kafka = new Kafka({ clientId: 'shop', brokers: ['kafka:9092'] });",
      "export const getTopic = () => process.env.KAFKA_TOPIC || 'users-events';",
    ),
    'services/orders/src/main.ts': lines(
      "import { kafka } from '../../../libs/kafka';",
      'const producer = kafka.producer();',
      "export async function publish(id: string) { await producer.send({ topic: 'users-events', messages: [{ value: id }] }); }",
    ),
    'services/billing/src/main.ts': lines(
      "import { kafka, getTopic } from '../../../libs/kafka';",
      'const TOPIC = getTopic();',
      'let consumer: ReturnType<typeof kafka.consumer> | null = null;',
      'export async function start() {',
      "  consumer = kafka.consumer({ groupId: 'billing' });",
      '  await consumer.subscribe({ topic: TOPIC });',
      '  await consumer.run({ eachMessage: async ({ message }) => { console.log(message.value); } });',
      '}',
    ),
  });
  assert.deepEqual(channels, [{ name: 'users-events', transport: 'kafka', producers: ['orders'], consumers: ['billing'] }]);
});
