/**
 * missing-correlation-id: publishes and cross-service HTTP calls must carry a
 * correlation/causation/trace id; handlers must propagate the incoming one.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A second service, so that calls to it are cross-service calls. */
const PAYMENTS = { 'services/payments/src/main.ts': 'export const port = 3000;\n' };
const INVENTORY = { 'services/inventory/src/main.ts': 'export const port = 3000;\n' };
/** The shipments service polling the queue the orders service sends to (see missing-correlation-id-cloud-queues.test.ts). */
const SHIPMENTS_POLLER = {
  'services/shipments/src/poll.ts': "import { SQSClient, ReceiveMessageCommand } from '@aws-sdk/client-sqs';\nconst sqs = new SQSClient({});\nexport const poll = () => sqs.send(new ReceiveMessageCommand({ QueueUrl: process.env.SHIPMENTS_QUEUE_URL }));\n",
};

const KAFKA_SETUP = [
  "import { Kafka } from 'kafkajs';", //                                                         1
  '', //                                                                                         2
  "const kafka = new Kafka({ clientId: 'orders', brokers: [process.env.KAFKA_BROKER!] });", //  3
  'const producer = kafka.producer();', //                                                      4
  '', //                                                                                         5
];

/** The orders service reserves stock over HTTP (line 2: the fetch to the inventory service). */
const RESERVE_BY_FETCH = lines(
  'export async function reserve(sku: string) {',
  '  return fetch(`${process.env.INVENTORY_URL}/reservations`, { method: \'POST\', body: sku });',
  '}',
);

/** An architecture file whose team requires a business correlation id even where tracing propagates. */
const REQUIRE_BUSINESS_ID = lines('version: 1', 'rules:', '  missing-correlation-id: [error, { requireBusinessCorrelationId: true }]');

/** A tracing file that registers the auto-instrumentations (fetch, http, kafkajs, amqplib, AWS SDK...). */
const OTEL_AUTO = [
  "import { NodeSDK } from '@opentelemetry/sdk-node';",
  "import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';",
  '',
  'new NodeSDK({ instrumentations: [getNodeAutoInstrumentations()] }).start();',
];

/** A service's own amqplib send wrapper: the queue is its caller's argument. */
const RABBIT_PUBLISH_WRAPPER = [
  "import * as amqp from 'amqplib';",
  'let channel: amqp.Channel;',
  'export async function publish(queue: string, payload: object) {',
  '  channel.sendToQueue(queue, Buffer.from(JSON.stringify(payload)));',
  '}',
];

/** Its consume wrapper: the queue is its caller's argument too. */
const RABBIT_CONSUME_WRAPPER = [
  'export async function consume(queue: string, handler: (body: unknown) => Promise<void>) {',
  '  await channel.consume(queue, async (msg) => { if (msg) await handler(JSON.parse(msg.content.toString())); });',
  '}',
];

runRuleTests('missing-correlation-id', {
  valid: [
    {
      // Where it sends and what it sends are its callers', and there are none: nothing is known about the hop.
      name: 'a generic send wrapper that nothing in the workspace calls',
      files: {
        'services/auth/src/producer.ts': lines(
          "import { Kafka } from 'kafkajs';",
          'let producer: any;',
          'export const initKafka = async () => {',
          "  producer = new Kafka({ clientId: 'auth', brokers: ['kafka:9092'] }).producer();",
          '  await producer.connect();',
          '};',
          'export const publishKafka = async (topic: string, message: unknown) => {',
          '  await producer.send({ topic, messages: [{ value: JSON.stringify(message) }] });',
          '};',
        ),
        ...PAYMENTS,
      },
    },
    {
      name: 'amqplib: a queue the service consumes itself through its own publish and consume wrappers',
      files: {
        'services/cinema/src/rabbit.ts': lines(
          ...RABBIT_PUBLISH_WRAPPER,
          ...RABBIT_CONSUME_WRAPPER,
        ),
        'services/cinema/src/reservations.ts': lines(
          "import { consume, publish } from './rabbit';",
          'export async function reserve(seatId: string) {',
          "  await publish('reservation.expire', { seatId });",
          '}',
          "export const started = consume('reservation.expire', async (body) => console.log(body));",
        ),
      },
    },
    {
      name: 'BullMQ: a job queue whose worker is not found in the workspace is taken as the service\'s own',
      files: {
        'services/orders/src/jobs.ts': lines(
          "import { Queue } from 'bullmq';", //                                                 1
          'export class Jobs {', //                                                              2
          '  private queue: Queue;', //                                                         3
          '  constructor(queueName: string) {', //                                              4
          "    this.queue = new Queue(queueName, { connection: { host: 'redis' } });", //      5
          '  }', //                                                                              6
          '  async schedule(orderId: string) {', //                                             7
          "    await this.queue.add('receipt', { orderId });", //                               8
          '  }',
          '}',
        ),
      },
    },
    {
      name: 'kafkajs: correlation and causation ids in the message headers',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishOrderCreated(order: { id: string; total: number }, correlationId: string) {',
          '  await producer.send({',
          "    topic: 'order.created',",
          '    messages: [{',
          '      key: order.id,',
          '      value: JSON.stringify(order),',
          "      headers: { 'correlation-id': correlationId, 'causation-id': order.id },",
          '    }],',
          '  });',
          '}',
        ),
      },
    },
    {
      name: 'kafkajs: headers object built in a const first',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishOrderCreated(order: { id: string }, ctx: { correlationId: string }) {',
          "  const headers = { 'x-correlation-id': ctx.correlationId };",
          "  await producer.send({ topic: 'order.created', messages: [{ key: order.id, value: JSON.stringify(order), headers }] });",
          '}',
        ),
      },
    },
    {
      name: 'kafkajs: each mapped message carries the correlation id',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishAll(events: { id: string; correlationId: string }[]) {',
          '  await producer.send({',
          "    topic: 'order.events',",
          "    messages: events.map((e) => ({ key: e.id, value: JSON.stringify(e), headers: { 'correlation-id': e.correlationId } })),",
          '  });',
          '}',
        ),
      },
    },
    {
      name: 'amqplib: correlationId message property on channel.publish',
      files: {
        'services/orders/src/publish.ts': lines(
          "import amqp from 'amqplib';",
          '',
          'export async function publishOrderCreated(order: { id: string }, correlationId: string) {',
          '  const connection = await amqp.connect(process.env.AMQP_URL!);',
          '  const channel = await connection.createChannel();',
          "  channel.publish('orders', 'order.created', Buffer.from(JSON.stringify({ orderId: order.id })), {",
          '    persistent: true,',
          '    correlationId,',
          '    messageId: order.id,',
          '  });',
          '}',
        ),
      },
    },
    {
      name: 'amqplib: correlation header on sendToQueue',
      files: {
        'services/orders/src/email.ts': lines(
          "import * as amqp from 'amqplib';",
          '',
          'export async function queueReceipt(to: string, correlationId: string) {',
          '  const connection = await amqp.connect(process.env.AMQP_URL!);',
          '  const channel = await connection.createConfirmChannel();',
          "  channel.sendToQueue('emails', Buffer.from(JSON.stringify({ to, template: 'receipt' })), {",
          "    headers: { 'x-correlation-id': correlationId },",
          '  });',
          '}',
        ),
      },
    },
    {
      name: 'SQS: SendMessageCommand with a CorrelationId message attribute',
      files: {
        'services/orders/src/queue.ts': lines(
          "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';",
          '',
          "const sqs = new SQSClient({ region: 'eu-west-1' });",
          '',
          'export async function enqueueShipment(orderId: string, correlationId: string) {',
          '  await sqs.send(new SendMessageCommand({',
          '    QueueUrl: process.env.SHIPMENTS_QUEUE_URL,',
          '    MessageBody: JSON.stringify({ orderId }),',
          '    MessageAttributes: {',
          "      CorrelationId: { DataType: 'String', StringValue: correlationId },",
          '    },',
          '  }));',
          '}',
        ),
      },
    },
    {
      name: 'BullMQ: correlationId travels in the job data',
      files: {
        'services/orders/src/jobs.ts': lines(
          "import { Queue } from 'bullmq';",
          '',
          "const receipts = new Queue('receipts', { connection: { host: 'redis' } });",
          '',
          'export async function scheduleReceipt(orderId: string, correlationId: string) {',
          "  await receipts.add('send-receipt', { orderId, correlationId }, { jobId: `receipt-${orderId}` });",
          '}',
        ),
      },
    },
    {
      name: 'NestJS: ClientProxy.emit with the correlation id in the event',
      files: {
        'services/orders/src/orders.service.ts': lines(
          "import { Inject, Injectable } from '@nestjs/common';",
          "import { ClientProxy } from '@nestjs/microservices';",
          '',
          '@Injectable()',
          'export class OrdersService {',
          "  constructor(@Inject('EVENTS') private readonly events: ClientProxy) {}",
          '',
          '  placed(orderId: string, correlationId: string) {',
          "    return this.events.emit('order.placed', { orderId, correlationId });",
          '  }',
          '}',
        ),
      },
    },
    {
      name: 'HTTP calls to external APIs are not cross-service calls',
      files: {
        'services/orders/src/external.ts': lines(
          "import axios from 'axios';",
          '',
          'export async function notify(text: string) {',
          "  await fetch('https://hooks.slack.com/services/T000/B000/XXXX', { method: 'POST', body: JSON.stringify({ text }) });",
          "  await axios.post('https://api.sendgrid.com/v3/mail/send', { text });",
          '  await fetch(`${process.env.STRIPE_API_URL}/v1/charges`, { method: \'POST\' });',
          '}',
        ),
        ...PAYMENTS,
      },
    },
    {
      name: 'axios call to another service with an x-correlation-id header',
      files: {
        'services/orders/src/payments.ts': lines(
          "import axios from 'axios';",
          '',
          'export async function charge(orderId: string, correlationId: string) {',
          '  return axios.post(`${process.env.PAYMENTS_SERVICE_URL}/charges`, { orderId }, {',
          "    headers: { 'x-correlation-id': correlationId },",
          '  });',
          '}',
        ),
        ...PAYMENTS,
      },
    },
    {
      name: 'fetch to another service with a traceparent header',
      files: {
        'services/orders/src/inventory.ts': lines(
          'export async function reserve(sku: string, traceparent: string) {',
          "  return fetch('http://inventory:3000/reservations', {",
          "    method: 'POST',",
          "    headers: { 'content-type': 'application/json', traceparent },",
          '    body: JSON.stringify({ sku }),',
          '  });',
          '}',
        ),
        ...INVENTORY,
      },
    },
    {
      name: 'a service calling its own URL is not a cross-service call',
      files: {
        'services/payments/src/self.ts': lines(
          'export async function warmUp() {',
          '  await fetch(`${process.env.PAYMENTS_SERVICE_URL}/health`);',
          '}',
        ),
        'services/orders/src/main.ts': 'export const port = 3000;\n',
      },
    },
    {
      name: 'kafkajs handler propagates the incoming correlation id',
      files: {
        'services/payments/src/consumer.ts': lines(
          "import { Kafka } from 'kafkajs';",
          '',
          "const kafka = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] });",
          'const producer = kafka.producer();',
          "const consumer = kafka.consumer({ groupId: 'payments' });",
          '',
          'export async function start() {',
          "  await consumer.subscribe({ topic: 'order.created' });",
          '  await consumer.run({',
          '    eachMessage: async ({ message }) => {',
          "      const order = JSON.parse(message.value!.toString());",
          '      await producer.send({',
          "        topic: 'payment.requested',",
          '        messages: [{',
          '          key: order.id,',
          '          value: JSON.stringify({ orderId: order.id }),',
          '          headers: {',
          "            'correlation-id': message.headers?.['correlation-id'] ?? order.id,",
          "            'causation-id': message.headers?.['message-id'],",
          '          },',
          '        }],',
          '      });',
          '    },',
          '  });',
          '}',
        ),
      },
    },
    {
      name: 'amqplib handler copies the correlationId property through a helper in another file',
      files: {
        'services/inventory/src/consumer.ts': lines(
          "import amqp from 'amqplib';",
          "import { publishReserved } from './publish';",
          '',
          'export async function start() {',
          '  const connection = await amqp.connect(process.env.AMQP_URL!);',
          '  const channel = await connection.createChannel();',
          "  await channel.consume('inventory.reserve', async (msg) => {",
          '    if (!msg) return;',
          '    await publishReserved(channel, msg.properties.correlationId);',
          '    channel.ack(msg);',
          '  });',
          '}',
        ),
        'services/inventory/src/publish.ts': lines(
          "import type { Channel } from 'amqplib';",
          '',
          'export async function publishReserved(channel: Channel, correlationId: string) {',
          "  channel.publish('inventory', 'stock.reserved', Buffer.from('{}'), { correlationId });",
          '}',
        ),
      },
    },
    {
      name: 'messages built elsewhere are unknown, not absent',
      files: {
        'services/orders/src/relay.ts': lines(
          "import { Kafka, type Message } from 'kafkajs';",
          "import { Queue } from 'bullmq';",
          "import { toKafkaMessage, envelope } from './envelope';",
          '',
          "const producer = new Kafka({ clientId: 'orders', brokers: ['kafka:9092'] }).producer();",
          "const jobs = new Queue('jobs');",
          '',
          'export async function relay(topic: string, messages: Message[], order: { id: string }, job: object) {',
          '  await producer.send({ topic, messages });',
          "  await producer.send({ topic: 'order.created', messages: [toKafkaMessage(order)] });",
          "  await producer.send({ topic: 'order.created', messages: [envelope({ orderId: order.id })] });",
          "  await jobs.add('job', job);",
          '}',
        ),
        'services/orders/src/envelope.ts': lines(
          'export const toKafkaMessage = (o: { id: string }) => ({ value: JSON.stringify(o), headers: { \'correlation-id\': o.id } });',
          'export const envelope = (data: object) => ({ value: JSON.stringify(data), headers: { \'correlation-id\': \'x\' } });',
        ),
      },
    },
    {
      name: 'headers built by a helper or filled in later are unknown, not absent',
      files: {
        'services/orders/src/payments.ts': lines(
          "import { context, propagation } from '@opentelemetry/api';",
          "import { outgoingHeaders } from './context';",
          '',
          'export async function charge(orderId: string) {',
          '  const headers: Record<string, string> = {};',
          '  propagation.inject(context.active(), headers);',
          '  await fetch(`${process.env.PAYMENTS_SERVICE_URL}/charges`, { method: \'POST\', headers, body: orderId });',
          '  await fetch(`${process.env.PAYMENTS_SERVICE_URL}/refunds`, { method: \'POST\', headers: outgoingHeaders(), body: orderId });',
          '}',
        ),
        'services/orders/src/context.ts': "export const outgoingHeaders = () => ({ 'x-correlation-id': 'from-als' });\n",
        ...PAYMENTS,
      },
    },
    {
      name: 'NestJS event handler propagates the correlation id',
      files: {
        'services/notifications/src/events.controller.ts': lines(
          "import { Controller, Inject } from '@nestjs/common';",
          "import { ClientProxy, EventPattern, Payload } from '@nestjs/microservices';",
          '',
          '@Controller()',
          'export class EventsController {',
          "  constructor(@Inject('EVENTS') private readonly events: ClientProxy) {}",
          '',
          "  @EventPattern('payment.completed')",
          '  handle(@Payload() event: { orderId: string; correlationId: string; messageId: string }) {',
          "    this.events.emit('receipt.requested', { orderId: event.orderId, correlationId: event.correlationId, causationId: event.messageId });",
          '  }',
          '}',
        ),
      },
    },
    {
      name: 'a public API host is not the workspace service that shares its first label',
      files: {
        'services/orders/src/charge.ts': lines(
          'export async function charge(amount: number) {',
          "  return fetch('https://api.stripe.com/v1/charges', { method: 'POST', body: String(amount) });",
          '}',
        ),
        'services/api/src/main.ts': 'export const port = 3000;\n',
      },
    },
    {
      name: 'axios instance whose request interceptor adds the correlation header',
      files: {
        'services/orders/src/clients.ts': lines(
          "import axios from 'axios';",
          "import { requestContext } from './context';",
          '',
          'export const payments = axios.create({ baseURL: process.env.PAYMENTS_SERVICE_URL, timeout: 2000 });',
          'payments.interceptors.request.use((config) => {',
          "  config.headers['x-correlation-id'] = requestContext.getStore()?.correlationId;",
          '  return config;',
          '});',
        ),
        'services/orders/src/charge.ts': lines(
          "import { payments } from './clients';",
          '',
          "export const charge = (orderId: string) => payments.post('/charges', { orderId });",
        ),
        'services/orders/src/context.ts': lines(
          "import { AsyncLocalStorage } from 'node:async_hooks';",
          'export const requestContext = new AsyncLocalStorage<{ correlationId: string }>();',
        ),
        ...PAYMENTS,
      },
    },
    {
      name: 'NestJS HttpService call to another service with the correlation header',
      files: {
        'services/orders/src/inventory.client.ts': lines(
          "import { Injectable } from '@nestjs/common';",
          "import { ConfigService } from '@nestjs/config';",
          "import { HttpService } from '@nestjs/axios';",
          "import { firstValueFrom } from 'rxjs';",
          '',
          '@Injectable()',
          'export class InventoryClient {',
          '  constructor(private readonly http: HttpService, private readonly config: ConfigService) {}',
          '',
          '  reserve(sku: string, correlationId: string) {',
          "    const url = `${this.config.get('INVENTORY_SERVICE_URL')}/reservations`;",
          "    return firstValueFrom(this.http.post(url, { sku }, { headers: { 'X-Correlation-ID': correlationId } }));",
          '  }',
          '}',
        ),
        ...INVENTORY,
      },
    },
    {
      name: 'handler propagates the correlation id and mints a per-hop request id',
      files: {
        'services/payments/src/consumer.ts': lines(
          "import { randomUUID } from 'node:crypto';",
          "import { Kafka } from 'kafkajs';",
          '',
          "const kafka = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] });",
          "const consumer = kafka.consumer({ groupId: 'payments' });",
          '',
          'export async function start() {',
          "  await consumer.subscribe({ topic: 'order.created' });",
          '  await consumer.run({',
          '    eachMessage: async ({ message }) => {',
          "      await fetch('http://ledger:3000/entries', {",
          "        method: 'POST',",
          '        headers: {',
          "          'x-correlation-id': String(message.headers?.['correlation-id']),",
          "          'x-request-id': randomUUID(),",
          '        },',
          '        body: message.value,',
          '      });',
          '    },',
          '  });',
          '}',
        ),
        'services/ledger/src/main.ts': 'export const port = 3000;\n',
      },
    },
    {
      name: 'OpenTelemetry auto-instrumentations registered with the NodeSDK carry the trace on fetch',
      files: {
        'services/orders/src/tracing.ts': lines(...OTEL_AUTO),
        'services/orders/src/inventory.ts': RESERVE_BY_FETCH,
        ...INVENTORY,
      },
    },
    {
      name: 'a Datadog dd-trace agent initialised at the entry point carries the trace on fetch',
      files: {
        'services/orders/src/main.ts': lines("import tracer from 'dd-trace';", 'tracer.init();', "import './inventory';"),
        'services/orders/src/inventory.ts': RESERVE_BY_FETCH,
        ...INVENTORY,
      },
    },
    {
      name: 'kafkajs instrumentation registered in a shared module that the service loads first',
      files: {
        'libs/common/src/instrumentation.ts': lines(
          "import { NodeSDK } from '@opentelemetry/sdk-node';",
          "import { KafkaJsInstrumentation } from 'opentelemetry-instrumentation-kafkajs';",
          'const instrumentations = [new KafkaJsInstrumentation()];',
          'new NodeSDK({ instrumentations }).start();',
        ),
        'services/orders/src/main.ts': lines("import '../../../libs/common/src/instrumentation';", "import { publishOrderCreated } from './publish';", 'void publishOrderCreated;'),
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishOrderCreated(order: { id: string }) {',
          "  await producer.send({ topic: 'order.created', messages: [{ key: order.id, value: order.id }] });",
          '}',
        ),
      },
    },
    {
      name: 'auto-instrumentations preloaded by the start script (node --require .../register)',
      files: {
        'services/orders/package.json': JSON.stringify({ name: 'orders', scripts: { start: 'node --require @opentelemetry/auto-instrumentations-node/register dist/main.js' } }),
        'services/orders/src/publish.ts': lines(
          "import amqp from 'amqplib';",
          'export async function publish(orderId: string) {',
          '  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();',
          "  channel.publish('orders', 'order.created', Buffer.from(JSON.stringify({ orderId, kind: 'created' })));",
          '}',
        ),
      },
    },
    {
      name: 'a tracing file outside the service, preloaded by its Dockerfile CMD (node --require)',
      files: {
        'services/orders/Dockerfile': lines('FROM node:22', 'CMD ["node", "--require", "/ops/otel-preload.js", "dist/main.js"]'),
        // Outside every service: only the preload brings it into the orders service.
        'ops/otel-preload.ts': lines(
          "import { registerInstrumentations } from '@opentelemetry/instrumentation';",
          "import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib';",
          'registerInstrumentations({ instrumentations: [new AmqplibInstrumentation()] });',
        ),
        'services/orders/src/publish.ts': lines(
          "import amqp from 'amqplib';",
          'export async function publish(orderId: string) {',
          '  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();',
          "  channel.sendToQueue('payments.charge', Buffer.from(JSON.stringify({ orderId, kind: 'charge' })));",
          '}',
        ),
      },
    },
    {
      name: 'a request id in an event serialized inside a serialized envelope (serializers do not count as nesting)',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function orderPlaced(orderId: string, lambdaRequestId: string) {',
          '  const event = { orderId, requestId: lambdaRequestId };',
          "  const envelope = { eventType: 'ORDER_CREATED', data: JSON.stringify(event) };",
          "  await producer.send({ topic: 'order.events', messages: [{ key: orderId, value: JSON.stringify(envelope) }] });",
          '}',
        ),
      },
    },
    {
      name: 'a job queue the service both feeds and consumes is not a hop between services',
      files: {
        'services/notifications/src/email.queue.ts': lines(
          "import { Queue, Worker } from 'bullmq';",
          "const emails = new Queue('emails', { connection: { host: 'redis' } });",
          'export async function enqueue(to: string) {',
          "  await emails.add('send', { to });",
          '}',
          "export const worker = new Worker('emails', async (job) => { console.log(job.data); }, { connection: { host: 'redis' } });",
        ),
      },
    },
    {
      name: 'a shared module that both feeds and consumes its queue runs inside the service that loads it',
      files: {
        'libs/common/src/analytics.ts': lines(
          "import { Queue, Worker } from 'bullmq';",
          "const analytics = new Queue('analytics', { connection: { host: 'redis' } });",
          "export const track = (event: string) => analytics.add('track', { event });",
          "export const worker = new Worker('analytics', async (job) => { console.log(job.data); }, { connection: { host: 'redis' } });",
        ),
        'services/orders/src/main.ts': lines("import { track } from '../../../libs/common/src/analytics';", "void track('started');"),
      },
    },
    {
      name: 'BullMQ: the queue name held in a field the constructor sets, fed and worked by the same class',
      files: {
        'packages/workflows/src/storage.ts': lines(
          "import { Queue, Worker } from 'bullmq';",
          'export class JobStorage {',
          '  private queueName: string;',
          '  private queue: Queue;',
          '  private worker?: Worker;',
          '  constructor({ redisQueueName }: { redisQueueName: string }) {',
          '    this.queueName = redisQueueName;',
          "    this.queue = new Queue(redisQueueName, { connection: { host: 'redis' } });",
          '  }',
          '  start() {',
          "    this.worker = new Worker(this.queueName, async (job) => { console.log(job.data); }, { connection: { host: 'redis' } });",
          '  }',
          '  async scheduleRetry(workflowId: string) {',
          "    await this.queue.add('retry', { workflowId }, { delay: 1000 });",
          '  }',
          '}',
        ),
        'services/api/src/main.ts': lines("import { JobStorage } from '../../../packages/workflows/src/storage';", "export const storage = new JobStorage({ redisQueueName: 'jobs' });"),
      },
    },
    {
      name: 'BullMQ: a queue field assigned in the constructor from a const name, and its worker in the same class',
      files: {
        'packages/lib/jobs/bullmq.ts': lines(
          "import { Queue, Worker } from 'bullmq';",
          "const QUEUE_NAME = 'app-jobs';",
          'export class JobProvider {',
          '  private _queue: Queue;',
          '  private _worker: Worker;',
          '  constructor() {',
          "    this._queue = new Queue(QUEUE_NAME, { connection: { host: 'redis' } });",
          '    this._worker = new Worker(QUEUE_NAME, async (job) => { console.log(job.data); });',
          '  }',
          '  async triggerJob(name: string, payload: unknown) {',
          '    await this._queue.add(name, { name, payload });',
          '  }',
          '}',
        ),
      },
    },
    {
      name: 'Redis pub/sub: a channel built by a template the same class subscribes to is a broadcast among its replicas',
      files: {
        'services/engine/src/orchestrator.ts': lines(
          "import Redis from 'ioredis';",
          'export class Orchestrator {',
          '  constructor(private redisPublisher: Redis, private redisSubscriber: Redis) {',
          "    this.redisSubscriber.on('message', async (_channel, message) => { console.log(JSON.parse(message)); });",
          '  }',
          '  subscribe(workflowId: string) {',
          '    void this.redisSubscriber.subscribe(this.getChannelName(workflowId));',
          '  }',
          '  async notify(options: { workflowId: string }) {',
          '    await this.redisPublisher.publish(this.getChannelName(options.workflowId), JSON.stringify(options));',
          '  }',
          '  private getChannelName(workflowId: string): string {',
          '    return `orchestrator:${workflowId}`;',
          '  }',
          '}',
        ),
      },
    },
    {
      name: 'Redis pub/sub: a literal channel published and subscribed through a prefix option in the same file',
      files: {
        'services/runs/src/runQueue.ts': lines(
          "import Redis from 'ioredis';",
          'export class RunQueue {',
          '  private subscriber: Redis;',
          '  constructor(private redis: Redis, private options: { name: string }) {',
          '    this.subscriber = this.redis.duplicate();',
          '    this.subscriber.subscribe(`${this.options.name}:redrive`, (err) => { if (err) console.error(err); });',
          "    this.subscriber.on('message', (_channel, message) => { console.log(message); });",
          '  }',
          '  async redriveMessage(messageId: string) {',
          "    await this.redis.publish('rq:redrive', JSON.stringify({ runId: messageId }));",
          '  }',
          '}',
        ),
      },
    },
    {
      name: 'Redis pub/sub wrappers: the one channel every replica of the service subscribes to, named by the callers',
      files: {
        'services/backend/src/redis.service.ts': lines(
          "import Redis from 'ioredis';",
          'export class RedisService {',
          "  private redisPublisher = new Redis(process.env.REDIS_URL!);",
          "  private redisSubscriber = new Redis(process.env.REDIS_URL!);",
          '  async publishEvent(channel: string, message: string) {',
          '    await this.redisPublisher.publish(channel, message);',
          '  }',
          '  subscribe(channel: string, callback: (message: string) => void) {',
          '    void this.redisSubscriber.subscribe(channel, (err) => { if (err) console.error(err); });',
          "    this.redisSubscriber.on('message', (received, message) => { if (received === channel) callback(message); });",
          '  }',
          '}',
        ),
        'services/backend/src/events.service.ts': lines(
          "import { RedisService } from './redis.service';",
          'export class DistributedEventService {',
          "  protected readonly CHANNEL = 'meet_channel';",
          '  constructor(protected redisService: RedisService) {',
          '    this.redisService.subscribe(this.CHANNEL, (m) => console.log(m));',
          '  }',
          '  async publishEvent(eventType: string, payload: Record<string, unknown>) {',
          '    await this.redisService.publishEvent(this.CHANNEL, JSON.stringify({ eventType, payload }));',
          '  }',
          '}',
        ),
        'services/web/src/main.ts': 'export const port = 3000;\n',
      },
    },
    {
      name: 'kafkajs: a failed message requeued to a retry topic with its own value and key is not a new message',
      files: {
        'services/rotor/src/rotor.ts': lines(
          "import { Kafka, KafkaMessage } from 'kafkajs';",
          "const kafka = new Kafka({ clientId: 'rotor', brokers: ['kafka:9092'] });",
          'const producer = kafka.producer();',
          "const consumer = kafka.consumer({ groupId: 'rotor' });",
          'const retryTopic = () => process.env.RETRY_TOPIC!;',
          'declare function handle(value: string): Promise<void>;',
          'async function onMessage(message: KafkaMessage, topic: string) {',
          '  const value = message.value;',
          '  if (!value) return;',
          '  await handle(value.toString()).catch(async (e) => {',
          '    const newMessage = e.event ? JSON.stringify({ ...JSON.parse(value.toString()), httpPayload: e.event }) : value;',
          '    await producer.send({',
          '      topic: retryTopic(),',
          "      messages: [{ value: newMessage, key: message.key, headers: { 'retry-count': '1', 'original-topic': topic } }],",
          '    });',
          '  });',
          '}',
          'export async function start() {',
          "  await consumer.subscribe({ topic: 'events' });",
          '  await consumer.run({ eachMessage: async ({ message, topic }) => onMessage(message, topic) });',
          '}',
        ),
      },
    },
    {
      name: 'kafkajs: a topic the service consumes itself, subscribed as a key of its handler map (Object.keys(handlers).map(...))',
      files: {
        'services/auth/src/token.ts': lines(
          "import { Kafka } from 'kafkajs';",
          "const producer = new Kafka({ clientId: 'auth', brokers: ['kafka:9092'] }).producer();",
          'export async function recordIp(ip: string) {',
          "  await producer.send({ topic: 'ip-address', messages: [{ value: JSON.stringify({ ip }) }] });",
          '}',
        ),
        'services/auth/src/consumer.ts': lines(
          "import { Kafka } from 'kafkajs';",
          "const consumer = new Kafka({ clientId: 'auth', brokers: ['kafka:9092'] }).consumer({ groupId: 'auth' });",
          'declare function upsertIp(value: string): Promise<void>;',
          'declare function mailDeployed(value: string): Promise<void>;',
          'export async function start() {',
          "  const topicOperations: Record<string, (value: string) => Promise<void>> = { 'ip-address': upsertIp, ['deploy-topic']: mailDeployed };",
          '  await consumer.connect();',
          '  await Promise.all(Object.keys(topicOperations).map((topic) => consumer.subscribe({ topic, fromBeginning: false })));',
          '  await consumer.run({ eachMessage: async ({ topic, message }) => topicOperations[topic]?.(message.value!.toString()) });',
          '}',
        ),
        'services/web/src/main.ts': 'export const port = 3000;\n',
      },
    },
    {
      name: 'amqplib: a job framework retrying a failed job on a delay queue with its own arguments and a counter, through its own codec, is not a new message',
      files: {
        'services/jobs/src/job.ts': lines(
          "import amqp from 'amqplib';",
          'type Payload = { args: unknown[]; attempts: number };',
          'const parseMessage = (content: Buffer): Payload => JSON.parse(content.toString());',
          'const serializeMessage = (payload: Payload) => Buffer.from(JSON.stringify(payload));',
          'declare function perform(args: unknown[]): Promise<void>;',
          'export async function start(queue: string) {',
          '  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();',
          '  await channel.consume(queue, async (msg) => {',
          '    if (!msg) return;',
          '    let payload: Payload;',
          '    payload = parseMessage(msg.content);',
          '    try {',
          '      await perform(payload.args);',
          '    } catch (error) {',
          '      channel.sendToQueue(`${queue}.retry.1`, serializeMessage({ args: payload.args, attempts: payload.attempts + 1 }), { persistent: true });',
          '    }',
          '    channel.ack(msg);',
          '  });',
          '}',
        ),
        'services/web/src/main.ts': 'export const port = 3000;\n',
      },
    },
    {
      name: 'NestJS: a queue injected with @InjectQueue and processed by a @Processor of the same service',
      files: {
        'services/airtable/src/airtable.service.ts': lines(
          "import { Injectable } from '@nestjs/common';",
          "import { InjectQueue } from '@nestjs/bullmq';",
          "import { Queue } from 'bullmq';",
          '@Injectable()',
          'export class AirtableService {',
          "  constructor(@InjectQueue('airtable') private readonly airtableQueue: Queue) {}",
          '  async updateEntities(entityType: string) {',
          "    await this.airtableQueue.add('updateEntities', { entityType });",
          '  }',
          '}',
        ),
        'services/airtable/src/airtable.processor.ts': lines(
          "import { Processor, WorkerHost } from '@nestjs/bullmq';",
          "import { Job } from 'bullmq';",
          "@Processor('airtable')",
          'export class AirtableProcessor extends WorkerHost {',
          '  async process(job: Job) { console.log(job.data); }',
          '}',
        ),
        'services/airtable/src/sync.ts': lines(
          "import { Injectable } from '@nestjs/common';",
          "import { InjectQueue, Processor } from '@nestjs/bullmq';",
          "import { Queue } from 'bullmq';",
          "import { DelayedJobWorker } from './worker';",
          '@Injectable()',
          'export class SyncService {',
          "  constructor(@InjectQueue('sync') private readonly syncQueue: Queue) {}",
          "  async start() { await this.syncQueue.add('syncAll', { all: true }); }",
          '}',
          // A processor whose process() is inherited from a base class: the queue is still consumed here.
          "@Processor('sync')",
          'export class SyncProcessor extends DelayedJobWorker {}',
        ),
      },
    },
    {
      name: 'a handler that copies the incoming message id into the follow-up ties it to its cause',
      files: {
        'services/inventory/src/consumer.ts': lines(
          "import amqp from 'amqplib';",
          'export async function start() {',
          '  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();',
          "  await channel.consume('reserve-stock', (msg) => {",
          '    if (!msg) return;',
          "    channel.publish('inventory', 'stock.reserved', Buffer.from('ok'), { headers: { 'parent-message': msg.properties.messageId } });",
          '    channel.ack(msg);',
          '  });',
          '}',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'amqplib: each call of a publish wrapper goes where it names: only the queue nobody here consumes is reported',
      files: {
        'services/cinema/src/rabbit.ts': lines(
          ...RABBIT_PUBLISH_WRAPPER,
          ...RABBIT_CONSUME_WRAPPER,
        ),
        'services/cinema/src/reservations.ts': lines(
          "import { consume, publish } from './rabbit';", //                              1
          'export async function reserve(seatId: string) {', //                          2
          "  await publish('reservation.expire', { seatId });", //                       3
          "  await publish('reservation.made', { seatId });", //                         4
          '}',
          "export const started = consume<{ seatId: string }>('reservation.expire', async (body) => console.log(body));",
        ),
      },
      // The wrapper writes the whole message (no options: no envelope for its callers to fill): one finding at its
      // send, with the call that names a queue nobody here consumes; the call to the service's own queue is left out.
      errors: [{
        messageId: 'missing', file: 'services/cinema/src/rabbit.ts', line: 4, column: 11,
        related: ['services/cinema/src/reservations.ts:4:9 called from here with a message that carries no id (`publish()`, to "reservation.made")'],
      }],
    },
    {
      name: 'amqplib: a publish wrapper whose caller names a queue another service consumes',
      files: {
        'services/cinema/src/rabbit.ts': lines(...RABBIT_PUBLISH_WRAPPER),
        'services/cinema/src/reservations.ts': lines(
          "import { publish } from './rabbit';", //                        1
          'export async function reserve(seatId: string) {', //           2
          "  await publish('reservation.made', { seatId });", //          3
          '}',
        ),
        'services/billing/src/listen.ts': lines(
          "import * as amqp from 'amqplib';",
          'let channel: amqp.Channel;',
          "export const started = channel.consume('reservation.made', (msg) => console.log(msg));",
        ),
      },
      errors: [{
        messageId: 'missing', file: 'services/cinema/src/rabbit.ts', line: 4, column: 11,
        related: ['services/cinema/src/reservations.ts:3:9 called from here with a message that carries no id (`publish()`, to "reservation.made")'],
      }],
    },
    {
      name: 'fetch: POST to a service named by a <SERVICE>_API_URL env var',
      files: {
        'services/orders/src/pay.ts': lines(
          'export async function pay(orderId: string) {', //                                                  1
          '  await fetch(`${process.env.PAYMENTS_API_URL}/charges`, { method: \'POST\', body: orderId });', // 2
          '}',
        ),
        'services/payments/src/main.ts': 'export const ready = true;\n',
      },
      errors: [{ messageId: 'missing', line: 2, column: 9 }],
    },
    {
      name: 'kafkajs: producer.send with no headers',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishOrderCreated(order: { id: string; total: number }) {', //  6
          '  await producer.send({', //                                                          7
          "    topic: 'order.created',",
          '    messages: [{ key: order.id, value: JSON.stringify(order) }],',
          '  });',
          '}',
        ),
      },
      errors: [{ messageId: 'missing', line: 7, column: 18, endColumn: 22 }],
    },
    {
      name: 'kafkajs: headers without any correlation id',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishOrderShipped(orderId: string) {', //                           6
          "  await producer.send({ topic: 'order.shipped', messages: [{ key: orderId, value: orderId, headers: { 'content-type': 'text/plain' } }] });", // 7
          '}',
        ),
      },
      errors: [{ messageId: 'missing', line: 7, column: 18 }],
    },
    {
      name: 'amqplib: channel.publish with options but no correlationId',
      files: {
        'services/orders/src/publish.ts': lines(
          "import amqp from 'amqplib';", //                                                           1
          '', //                                                                                       2
          'export async function publishOrderCreated(orderId: string, total: number) {', //          3
          '  const connection = await amqp.connect(process.env.AMQP_URL!);', //                       4
          '  const channel = await connection.createChannel();', //                                    5
          "  channel.publish('orders', 'order.created', Buffer.from(JSON.stringify({ orderId, total })), {", // 6
          "    persistent: true, contentType: 'application/json',",
          '  });',
          '}',
        ),
      },
      errors: [{ messageId: 'missing', line: 6, column: 11 }],
    },
    {
      name: 'amqplib: sendToQueue without message properties',
      files: {
        'services/orders/src/email.ts': lines(
          "import * as amqp from 'amqplib';", //                                                                   1
          '', //                                                                                                    2
          'export async function queueReceipt(to: string) {', //                                                   3
          '  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();', //                4
          "  channel.sendToQueue('emails', Buffer.from(JSON.stringify({ to, template: 'receipt' })));", //        5
          '}',
        ),
      },
      errors: [{ messageId: 'missing', line: 5, column: 11 }],
    },
    {
      name: 'SQS: SendMessageCommand without MessageAttributes',
      files: {
        'services/orders/src/queue.ts': lines(
          "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';", //  1
          '', //                                                                       2
          "const sqs = new SQSClient({ region: 'eu-west-1' });", //                  3
          '', //                                                                       4
          'export async function enqueueShipment(orderId: string) {', //             5
          '  const command = new SendMessageCommand({', //                             6
          '    QueueUrl: process.env.SHIPMENTS_QUEUE_URL,',
          '    MessageBody: JSON.stringify({ orderId }),',
          '  });',
          '  await sqs.send(command);', //                                             10
          '}',
        ),
        ...SHIPMENTS_POLLER,
      },
      errors: [{ messageId: 'missing', line: 10, column: 13 }],
    },
    {
      name: 'Redis pub/sub: a templated channel subscribed by a pattern in another service is still a hop',
      files: {
        'services/orders/src/notify.ts': lines(
          "import Redis from 'ioredis';", //                                                     1
          'const redis = new Redis();', //                                                       2
          'export async function notify(orderId: string) {', //                                 3
          '  await redis.publish(`orders:${orderId}`, JSON.stringify({ orderId }));', //        4
          '}',
        ),
        'services/billing/src/listen.ts': lines(
          "import Redis from 'ioredis';",
          'const sub = new Redis();',
          "void sub.psubscribe('orders:*');",
          "sub.on('pmessage', (_pattern, _channel, message) => console.log(message));",
        ),
      },
      errors: [{ messageId: 'missing', line: 4, column: 15 }],
    },
    {
      name: 'kafkajs: a handler forwarding a rebuilt body (never the incoming one unchanged) sends a new message',
      files: {
        'services/payments/src/forward.ts': lines(
          "import { Kafka } from 'kafkajs';", //                                                  1
          "const kafka = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] });", //     2
          'const producer = kafka.producer();', //                                               3
          "const consumer = kafka.consumer({ groupId: 'payments' });", //                       4
          'export async function start() {', //                                                  5
          '  await consumer.run({ eachMessage: async ({ message }) => {', //                   6
          "    const paid = { ...JSON.parse(message.value!.toString()), status: 'paid' };", //  7
          "    await producer.send({ topic: 'payments.done', messages: [{ value: JSON.stringify(paid) }] });", // 8
          '  } });',
          '}',
        ),
      },
      errors: [{ messageId: 'missing', line: 8, column: 20 }],
    },
    {
      name: 'BullMQ: job data without a correlationId',
      files: {
        'services/orders/src/jobs.ts': lines(
          "import { Queue } from 'bullmq';", //                                                 1
          '', //                                                                                 2
          "const receipts = new Queue('receipts', { connection: { host: 'redis' } });", //     3
          '', //                                                                                 4
          'export async function scheduleReceipt(orderId: string, email: string) {', //        5
          "  await receipts.add('send-receipt', { orderId, email });", //                       6
          '}',
        ),
        'services/mailer/src/worker.ts': lines(
          "import { Worker } from 'bullmq';",
          "export const worker = new Worker('receipts', async (job) => console.log(job.data));",
        ),
      },
      errors: [{ messageId: 'missing', line: 6, column: 18 }],
    },
    {
      name: 'NestJS: ClientProxy.emit without a correlation id',
      files: {
        'services/orders/src/orders.service.ts': lines(
          "import { Inject, Injectable } from '@nestjs/common';", //                   1
          "import { ClientProxy } from '@nestjs/microservices';", //                   2
          '', //                                                                        3
          '@Injectable()', //                                                           4
          'export class OrdersService {', //                                            5
          "  constructor(@Inject('EVENTS') private readonly events: ClientProxy) {}", // 6
          '', //                                                                        7
          '  placed(orderId: string, total: number) {', //                              8
          "    return this.events.emit('order.placed', { orderId, total });", //        9
          '  }',
          '}',
        ),
      },
      errors: [{ messageId: 'missing', line: 9, column: 24 }],
    },
    {
      name: 'fetch to another service named by its URL env var, without headers',
      files: {
        'services/orders/src/payments.ts': lines(
          'export async function charge(orderId: string, amount: number) {', //                           1
          '  const res = await fetch(`${process.env.PAYMENTS_SERVICE_URL}/charges`, {', //               2
          "    method: 'POST',",
          "    headers: { 'content-type': 'application/json' },",
          '    body: JSON.stringify({ orderId, amount }),',
          '  });',
          '  return res.json();',
          '}',
        ),
        ...PAYMENTS,
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/payments.ts', line: 2, column: 21 }],
    },
    {
      name: 'axios to another service by its compose host name',
      files: {
        'services/orders/src/payments.ts': lines(
          "import axios from 'axios';", //                                                         1
          '', //                                                                                    2
          'export async function charge(orderId: string) {', //                                    3
          "  return axios.post('http://payments:3000/charges', { orderId });", //                  4
          '}',
        ),
        ...PAYMENTS,
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/payments.ts', line: 4, column: 16 }],
    },
    {
      name: 'headers const without a correlation id, passed to fetch',
      files: {
        'services/orders/src/inventory.ts': lines(
          'export async function reserve(sku: string) {', //                                  1
          "  const headers = { 'content-type': 'application/json' };", //                    2
          "  return fetch('http://inventory:3000/reservations', { method: 'POST', headers, body: sku });", // 3
          '}',
        ),
        ...INVENTORY,
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/inventory.ts', line: 3, column: 10 }],
    },
    {
      name: 'requireBusinessCorrelationId: an APM agent is named as what carries the trace',
      files: {
        'services/orders/src/main.ts': lines("require('dd-trace').init();", "import './inventory';"),
        'services/orders/src/inventory.ts': RESERVE_BY_FETCH,
        'architecture.yaml': REQUIRE_BUSINESS_ID,
        ...INVENTORY,
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/inventory.ts', line: 2, column: 10, messageIncludes: '(dd-trace instrumentation of fetch', severity: 'warning' }],
    },
    {
      name: 'requireBusinessCorrelationId: OpenTelemetry propagates the trace, yet the team requires a business id',
      files: {
        'services/orders/src/tracing.ts': lines(...OTEL_AUTO),
        'services/orders/src/inventory.ts': RESERVE_BY_FETCH,
        'architecture.yaml': REQUIRE_BUSINESS_ID,
        ...INVENTORY,
      },
      errors: [{
        messageId: 'missing', file: 'services/orders/src/inventory.ts', line: 2, column: 10,
        messageIncludes: 'OpenTelemetry instrumentation of fetch, registered at services/orders/src/tracing.ts:2, propagates the trace context',
        // The target is inferred from the env var's name (no `apis` entry): one step below the configured error.
        severity: 'warning',
      }],
    },
    {
      name: 'OpenTelemetry registered, but not for the library the message goes through',
      files: {
        'services/orders/src/tracing.ts': lines(
          "import { NodeSDK } from '@opentelemetry/sdk-node';",
          "import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';",
          '',
          'new NodeSDK({ instrumentations: [new HttpInstrumentation()] }).start();',
        ),
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishOrderCreated(order: { id: string }) {', //                                   6
          "  await producer.send({ topic: 'order.created', messages: [{ key: order.id, value: order.id }] });", //  7
          '}',
        ),
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/publish.ts', line: 7, column: 18, messageIncludes: 'none of its instrumentations covers kafkajs' }],
    },
    {
      name: 'a NestJS TCP client is not covered by OpenTelemetry instrumentation',
      files: {
        'services/gateway/src/tracing.ts': lines(...OTEL_AUTO),
        'services/gateway/src/app.module.ts': lines(
          "import { ClientsModule, Transport } from '@nestjs/microservices';",
          "export const clients = ClientsModule.register([{ name: 'ORDERS', transport: Transport.TCP }]);",
        ),
        'services/gateway/src/orders.client.ts': lines(
          "import { Inject, Injectable } from '@nestjs/common';", //                    1
          "import { ClientProxy } from '@nestjs/microservices';", //                    2
          '', //                                                                         3
          '@Injectable()', //                                                            4
          'export class OrdersClient {', //                                              5
          "  constructor(@Inject('ORDERS') private readonly orders: ClientProxy) {}", // 6
          '  create(sku: string) {', //                                                  7
          "    return this.orders.send({ cmd: 'create-order' }, { sku });", //           8
          '  }',
          '}',
        ),
      },
      errors: [{ messageId: 'missing', file: 'services/gateway/src/orders.client.ts', line: 8, column: 24 }],
    },
    {
      name: 'severity: a message consumed by another service is direct evidence; one with no consumer in sight is inferred',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publish(order: { id: string }) {', //                                          6
          "  await producer.send({ topic: 'order.created', messages: [{ key: order.id, value: order.id }] });", // 7
          "  await producer.send({ topic: 'order.audited', messages: [{ key: order.id, value: order.id }] });", // 8
          '}',
        ),
        'services/payments/src/consumer.ts': lines(
          "import { Kafka } from 'kafkajs';",
          "const consumer = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] }).consumer({ groupId: 'payments' });",
          'export async function start() {',
          "  await consumer.subscribe({ topic: 'order.created' });",
          '  await consumer.run({ eachMessage: async ({ message }) => { console.log(message.offset); } });',
          '}',
        ),
        'architecture.yaml': lines('version: 1', 'rules:', '  missing-correlation-id: error'),
      },
      errors: [
        { messageId: 'missing', file: 'services/orders/src/publish.ts', line: 7, column: 18, severity: 'error' },
        {
          messageId: 'missing', file: 'services/orders/src/publish.ts', line: 8, column: 18, severity: 'warning',
          messageIncludes: 'Inferred: no consumer of "order.audited" was found in this workspace',
        },
      ],
    },
    {
      name: 'kafkajs handler starts a fresh correlation id for its follow-up',
      files: {
        'services/payments/src/consumer.ts': lines(
          "import { randomUUID } from 'node:crypto';", //                                        1
          "import { Kafka } from 'kafkajs';", //                                                 2
          '', //                                                                                  3
          "const kafka = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] });", //    4
          'const producer = kafka.producer();', //                                               5
          "const consumer = kafka.consumer({ groupId: 'payments' });", //                        6
          '', //                                                                                  7
          'export async function start() {', //                                                  8
          "  await consumer.subscribe({ topic: 'order.created' });", //                          9
          '  await consumer.run({', //                                                           10
          '    eachMessage: async ({ message }) => {', //                                        11
          '      const order = JSON.parse(message.value!.toString());', //                       12
          '      await producer.send({', //                                                      13
          "        topic: 'payment.requested',",
          "        messages: [{ key: order.id, value: JSON.stringify(order), headers: { 'correlation-id': randomUUID() } }],",
          '      });',
          '    },',
          '  });',
          '}',
        ),
      },
      errors: [{ messageId: 'notPropagated', line: 13, column: 22 }],
    },
    {
      name: 'amqplib handler generates a new correlationId through a helper in another file',
      files: {
        'services/inventory/src/consumer.ts': lines(
          "import amqp from 'amqplib';",
          "import { publishReserved } from './publish';",
          '',
          'export async function start() {',
          '  const connection = await amqp.connect(process.env.AMQP_URL!);',
          '  const channel = await connection.createChannel();',
          "  await channel.consume('inventory.reserve', async (msg) => {",
          '    if (!msg) return;',
          '    await publishReserved(channel);',
          '    channel.ack(msg);',
          '  });',
          '}',
        ),
        'services/inventory/src/publish.ts': lines(
          "import type { Channel } from 'amqplib';", //                                                        1
          "import { v4 as uuidv4 } from 'uuid';", //                                                           2
          '', //                                                                                                3
          'export async function publishReserved(channel: Channel) {', //                                      4
          '  const correlationId = uuidv4();', //                                                               5
          "  channel.publish('inventory', 'stock.reserved', Buffer.from('{}'), { correlationId });", //         6
          '}',
        ),
      },
      errors: [{ messageId: 'notPropagated', file: 'services/inventory/src/publish.ts', line: 6, column: 11 }],
    },
    {
      name: 'NestJS event handler emits a follow-up without any correlation id',
      files: {
        'services/notifications/src/events.controller.ts': lines(
          "import { Controller, Inject } from '@nestjs/common';", //                                   1
          "import { ClientProxy, EventPattern, Payload } from '@nestjs/microservices';", //            2
          '', //                                                                                        3
          '@Controller()', //                                                                           4
          'export class EventsController {', //                                                         5
          "  constructor(@Inject('EVENTS') private readonly events: ClientProxy) {}", //               6
          '', //                                                                                        7
          "  @EventPattern('payment.completed')", //                                                   8
          '  handle(@Payload() event: { orderId: string; correlationId: string }) {', //               9
          "    this.events.emit('receipt.requested', { orderId: event.orderId });", //                 10
          '  }',
          '}',
        ),
      },
      errors: [{ messageId: 'missing', line: 10, column: 17 }],
    },
    {
      name: 'BullMQ worker enqueues a follow-up job with a fresh correlationId',
      files: {
        'services/notifications/src/worker.ts': lines(
          "import { randomUUID } from 'crypto';", //                                                        1
          "import { Queue, Worker } from 'bullmq';", //                                                      2
          '', //                                                                                             3
          "const emails = new Queue('emails');", //                                                         4
          '', //                                                                                             5
          "export const worker = new Worker('receipts', async (job) => {", //                              6
          "  await emails.add('send', { to: job.data.email, correlationId: randomUUID() });", //           7
          '});',
        ),
        'services/mailer/src/worker.ts': lines(
          "import { Worker } from 'bullmq';",
          "export const worker = new Worker('emails', async (job) => console.log(job.data));",
        ),
      },
      errors: [{ messageId: 'notPropagated', line: 7, column: 16 }],
    },
    {
      name: 'several publishes in one file are reported in source order',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publish(orderId: string) {', //                                                   6
          "  await producer.send({ topic: 'order.created', messages: [{ value: orderId }] });", //                7
          "  await producer.send({ topic: 'order.audited', messages: [{ value: orderId, headers: { 'correlation-id': orderId } }] });", // 8
          "  await producer.sendBatch({ topicMessages: [{ topic: 'order.archived', messages: [{ value: orderId }] }] });", // 9
          '}',
        ),
      },
      errors: [
        { messageId: 'missing', line: 7, column: 18 },
        { messageId: 'missing', line: 9, column: 18 },
      ],
    },
    {
      name: 'fetch to another service through a base-URL const',
      files: {
        'services/orders/src/payments.ts': lines(
          "const PAYMENTS_URL = process.env.PAYMENTS_URL ?? 'http://localhost:3001';", //           1
          '', //                                                                                      2
          'export async function refund(orderId: string) {', //                                      3
          "  await fetch(`${PAYMENTS_URL}/refunds`, { method: 'POST', body: orderId });", //          4
          '}',
        ),
        ...PAYMENTS,
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/payments.ts', line: 4, column: 9 }],
    },
    {
      name: 'axios instance created with another service as baseURL',
      files: {
        'services/orders/src/payments.ts': lines(
          "import axios from 'axios';", //                                                                          1
          '', //                                                                                                     2
          'const payments = axios.create({ baseURL: process.env.PAYMENTS_SERVICE_URL, timeout: 2000 });', //      3
          '', //                                                                                                     4
          "export const charge = (orderId: string) => payments.post('/charges', { orderId });", //                5
        ),
        ...PAYMENTS,
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/payments.ts', line: 5, column: 53 }],
    },
    {
      name: 'NestJS HttpService call to a service URL read from ConfigService',
      files: {
        'services/orders/src/inventory.client.ts': lines(
          "import { Injectable } from '@nestjs/common';", //                                                    1
          "import { ConfigService } from '@nestjs/config';", //                                                 2
          "import { HttpService } from '@nestjs/axios';", //                                                    3
          "import { firstValueFrom } from 'rxjs';", //                                                          4
          '', //                                                                                                 5
          '@Injectable()', //                                                                                    6
          'export class InventoryClient {', //                                                                   7
          '  constructor(private readonly http: HttpService, private readonly config: ConfigService) {}', //   8
          '', //                                                                                                 9
          '  reserve(sku: string) {', //                                                                         10
          "    const url = `${this.config.get('INVENTORY_SERVICE_URL')}/reservations`;", //                     11
          '    return firstValueFrom(this.http.post(url, { sku }));', //                                        12
          '  }',
          '}',
        ),
        ...INVENTORY,
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/inventory.client.ts', line: 12, column: 37 }],
    },
  ],
});
