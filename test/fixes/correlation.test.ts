/**
 * missing-correlation-id fixes on each library shape: the ids are added
 * (propagated from the incoming message inside a handler, a new UUID
 * elsewhere), the code type-checks, the finding is gone, nothing new appears,
 * and the user's payload expressions survive.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { applyTextEdits, checkFix, lines, removeWorkspace, writeWorkspace, analyzeWithFixes, applyEdits, typeCheck } from './helpers';
import { combineFixes } from '../../server/src/lsp/edits';
import type { Fix } from '../../server/src/engine/types';

const KAFKA_SETUP = [
  "import { Kafka } from 'kafkajs';",
  '',
  "const kafka = new Kafka({ clientId: 'orders', brokers: [process.env.KAFKA_BROKER!] });",
  'const producer = kafka.producer();',
  '',
];
const PAYMENTS = { 'services/payments/src/main.ts': 'export const port = 3000;\n' };
const RULE = 'missing-correlation-id';

describe('fix: add correlation and causation ids', () => {
  test('kafkajs send outside a handler: headers with a new UUID, node:crypto imported', () => {
    const { root, changed } = checkFix({
      name: 'kafka', ruleId: RULE,
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishOrderCreated(order: { id: string; total: number }): Promise<void> {',
          '  await producer.send({',
          "    topic: 'order.created',",
          '    messages: [{ key: order.id, value: JSON.stringify(order) }],',
          '  });',
          '}',
        ),
      },
      title: 'Add a correlation id (new UUID)',
      keeps: ['value: JSON.stringify(order)'],
      rewrites: ['messages: [{ key: order.id, value: JSON.stringify(order) }],'],
    });
    const text = changed['services/orders/src/publish.ts'];
    assert.match(text, /^import \{ Kafka \} from 'kafkajs';\nimport \{ randomUUID \} from 'node:crypto';\n/);
    assert.ok(text.includes("messages: [{ key: order.id, value: JSON.stringify(order), headers: { 'correlation-id': randomUUID() } }],"), text);
    removeWorkspace(root);
  });

  test('kafkajs send with a headers object over several lines: merged, a correlationId parameter is used', () => {
    const { root, changed } = checkFix({
      name: 'kafka merge', ruleId: RULE,
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishOrderShipped(orderId: string, correlationId: string): Promise<void> {',
          '  await producer.send({',
          "    topic: 'order.shipped',",
          '    messages: [',
          '      {',
          '        key: orderId,',
          '        value: orderId,',
          '        headers: {',
          "          'content-type': 'text/plain',",
          '        },',
          '      },',
          '    ],',
          '  });',
          '}',
        ),
      },
      title: 'Add a correlation id (from correlationId)',
    });
    assert.ok(changed['services/orders/src/publish.ts'].includes("          'content-type': 'text/plain',\n          'correlation-id': correlationId,\n        },"), changed['services/orders/src/publish.ts']);
    assert.ok(!changed['services/orders/src/publish.ts'].includes('node:crypto'));
    removeWorkspace(root);
  });

  test('kafkajs handler calling a helper that sends: propagated through the message parameter', () => {
    const { root, changed } = checkFix({
      name: 'kafka handler', ruleId: RULE,
      files: {
        'services/payments/src/main.ts': lines(
          "import { Kafka } from 'kafkajs';",
          "import { handle } from './handler';",
          "const kafka = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] });",
          'const producer = kafka.producer();',
          "const consumer = kafka.consumer({ groupId: 'payments' });",
          'export async function start(): Promise<void> {',
          "  await consumer.subscribe({ topic: 'order.created' });",
          '  await consumer.run({',
          '    eachMessage: async ({ message }) => {',
          '      await handle(producer, message);',
          '    },',
          '  });',
          '}',
        ),
        'services/payments/src/handler.ts': lines(
          "import type { KafkaMessage, Producer } from 'kafkajs';",
          'export async function handle(producer: Producer, incoming: KafkaMessage): Promise<void> {',
          "  const order = JSON.parse(incoming.value?.toString() ?? '{}') as { id: string };",
          "  await producer.send({ topic: 'payment.requested', messages: [{ key: order.id, value: JSON.stringify(order) }] });",
          '}',
        ),
      },
      title: 'Add correlation and causation ids (from the incoming message)',
      keeps: ['value: JSON.stringify(order)'],
      rewrites: ["await producer.send({ topic: 'payment.requested'"],
    });
    assert.ok(changed['services/payments/src/handler.ts'].includes(
      "headers: { 'correlation-id': incoming.headers?.['correlation-id']?.toString() ?? incoming.headers?.['message-id']?.toString(), 'causation-id': incoming.headers?.['message-id']?.toString() }",
    ), changed['services/payments/src/handler.ts']);
    removeWorkspace(root);
  });

  test('amqplib sendToQueue without options: an options argument with correlationId', () => {
    const { root, changed } = checkFix({
      name: 'amqp', ruleId: RULE,
      files: {
        'services/orders/src/email.ts': lines(
          "import * as amqp from 'amqplib';",
          '',
          'export async function queueReceipt(to: string): Promise<void> {',
          '  const channel = await (await amqp.connect(process.env.AMQP_URL!)).createChannel();',
          "  channel.sendToQueue('emails', Buffer.from(JSON.stringify({ to, template: 'receipt' })));",
          '}',
        ),
      },
      title: 'Add a correlation id (new UUID)',
      keeps: ["Buffer.from(JSON.stringify({ to, template: 'receipt' }))"],
      rewrites: ["channel.sendToQueue('emails'"],
    });
    assert.ok(changed['services/orders/src/email.ts'].includes("Buffer.from(JSON.stringify({ to, template: 'receipt' })), { correlationId: randomUUID() });"));
    removeWorkspace(root);
  });

  test('amqplib publish inside a consume handler, options over several lines: correlationId and causation header from the incoming properties', () => {
    const { root, changed } = checkFix({
      name: 'amqp handler', ruleId: RULE,
      files: {
        'services/inventory/src/consumer.ts': lines(
          "import amqp from 'amqplib';",
          'export async function start(): Promise<void> {',
          '  const connection = await amqp.connect(process.env.AMQP_URL!);',
          '  const channel = await connection.createChannel();',
          "  await channel.consume('inventory.reserve', async (msg) => {",
          '    if (!msg) return;',
          "    channel.publish('inventory', 'stock.reserved', Buffer.from(JSON.stringify({ reserved: true })), {",
          '      persistent: true,',
          '    });',
          '    channel.ack(msg);',
          '  });',
          '}',
        ),
      },
      title: 'Add correlation and causation ids (from the incoming message)',
    });
    assert.ok(changed['services/inventory/src/consumer.ts'].includes(
      "      persistent: true,\n      correlationId: msg.properties.correlationId ?? msg.properties.messageId,\n      headers: { 'causation-id': msg.properties.messageId },\n    });",
    ), changed['services/inventory/src/consumer.ts']);
    removeWorkspace(root);
  });

  test('SQS SendMessageCommand in a const: MessageAttributes added', () => {
    const { root, changed } = checkFix({
      name: 'sqs', ruleId: RULE,
      files: {
        'services/orders/src/queue.ts': lines(
          "import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';",
          '',
          "const sqs = new SQSClient({ region: 'eu-west-1' });",
          '',
          'export async function enqueueShipment(orderId: string): Promise<void> {',
          '  const command = new SendMessageCommand({',
          '    QueueUrl: process.env.SHIPMENTS_QUEUE_URL,',
          '    MessageBody: JSON.stringify({ orderId }),',
          '  });',
          '  await sqs.send(command);',
          '}',
        ),
        // The shipments service polls the queue: the send is a hop to it (an SQS queue no code consumes is not taken for one).
        'services/shipments/src/poll.ts': lines(
          "import { SQSClient, ReceiveMessageCommand } from '@aws-sdk/client-sqs';",
          'const sqs = new SQSClient({});',
          'export const poll = () => sqs.send(new ReceiveMessageCommand({ QueueUrl: process.env.SHIPMENTS_QUEUE_URL }));',
        ),
      },
      title: 'Add a correlation id (new UUID)',
      keeps: ['MessageBody: JSON.stringify({ orderId }),'],
    });
    assert.ok(changed['services/orders/src/queue.ts'].includes("MessageAttributes: { 'correlation-id': { DataType: 'String', StringValue: randomUUID() } }"));
    removeWorkspace(root);
  });

  test('BullMQ queue.add on an untyped queue: correlationId in the job data', () => {
    const { root } = checkFix({
      name: 'bullmq', ruleId: RULE,
      files: {
        'services/orders/src/jobs.ts': lines(
          "import { Queue } from 'bullmq';",
          '',
          "const receipts = new Queue('receipts', { connection: { host: 'redis' } });",
          '',
          'export async function scheduleReceipt(orderId: string, email: string): Promise<void> {',
          "  await receipts.add('send-receipt', { orderId, email });",
          '}',
        ),
        // The worker runs in another service: the job is a hop between services.
        'services/mailer/src/worker.ts': lines("import { Worker } from 'bullmq';", "export const worker = new Worker('receipts', async (job) => console.log(job.data));"),
      },
      title: 'Add a correlation id (new UUID)',
      rewrites: ["await receipts.add('send-receipt', { orderId, email });"],
      expect: { 'services/orders/src/jobs.ts': ["await receipts.add('send-receipt', { orderId, email, correlationId: randomUUID() });"] },
    });
    removeWorkspace(root);
  });

  test('BullMQ queue.add on a typed queue gets no fix (the job data type would reject the field)', () => {
    const root = writeWorkspace({
      'services/orders/src/jobs.ts': lines(
        "import { Queue } from 'bullmq';",
        "const receipts = new Queue<{ orderId: string }>('receipts');",
        'export async function scheduleReceipt(orderId: string): Promise<void> {',
        "  await receipts.add('send-receipt', { orderId });",
        '}',
      ),
      'services/mailer/src/worker.ts': lines("import { Worker } from 'bullmq';", "export const worker = new Worker('receipts', async (job) => console.log(job.data));"),
    });
    const finding = analyzeWithFixes(root).find((f) => f.ruleId === RULE);
    assert.ok(finding);
    assert.deepEqual(finding.fixes, []);
    removeWorkspace(root);
  });

  test('NestJS emit inside an @EventPattern handler: the payload correlationId is propagated', () => {
    const { root } = checkFix({
      name: 'nest', ruleId: RULE,
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
          '  handle(@Payload() event: { orderId: string; correlationId: string }) {',
          "    this.events.emit('receipt.requested', { orderId: event.orderId });",
          '  }',
          '}',
        ),
      },
      title: 'Add a correlation id (from the incoming message)',
      rewrites: ["this.events.emit('receipt.requested'"],
      expect: { 'services/notifications/src/events.controller.ts': ["this.events.emit('receipt.requested', { orderId: event.orderId, correlationId: event.correlationId });"] },
    });
    removeWorkspace(root);
  });

  test('fetch to another service: headers merged into the init object', () => {
    const { root } = checkFix({
      name: 'fetch', ruleId: RULE,
      files: {
        'services/orders/src/payments.ts': lines(
          'export async function charge(orderId: string, amount: number): Promise<unknown> {',
          '  const res = await fetch(`${process.env.PAYMENTS_SERVICE_URL}/charges`, {',
          "    method: 'POST',",
          "    headers: { 'content-type': 'application/json' },",
          '    body: JSON.stringify({ orderId, amount }),',
          '  });',
          '  return res.json();',
          '}',
        ),
        ...PAYMENTS,
      },
      title: 'Add a correlation id (new UUID)',
      rewrites: ["headers: { 'content-type': 'application/json' },"],
      expect: { 'services/orders/src/payments.ts': ["headers: { 'content-type': 'application/json', 'x-correlation-id': randomUUID() },"] },
    });
    removeWorkspace(root);
  });

  test('axios post to another service without a config: a config argument with the header', () => {
    const { root } = checkFix({
      name: 'axios', ruleId: RULE,
      files: {
        'services/orders/src/payments.ts': lines(
          "import axios from 'axios';",
          '',
          'export async function charge(orderId: string): Promise<unknown> {',
          "  return axios.post('http://payments:3000/charges', { orderId });",
          '}',
        ),
        ...PAYMENTS,
      },
      title: 'Add a correlation id (new UUID)',
      rewrites: ["return axios.post('http://payments:3000/charges', { orderId });"],
      expect: { 'services/orders/src/payments.ts': ["return axios.post('http://payments:3000/charges', { orderId }, { headers: { 'x-correlation-id': randomUUID() } });"] },
    });
    removeWorkspace(root);
  });

  test('fix all: two sends in one file are fixed together and node:crypto is imported once', () => {
    const root = writeWorkspace({
      'services/orders/src/publish.ts': lines(
        ...KAFKA_SETUP,
        'export async function a(id: string): Promise<void> {',
        "  await producer.send({ topic: 'a', messages: [{ key: id, value: id }] });",
        '}',
        'export async function b(id: string): Promise<void> {',
        "  await producer.send({ topic: 'b', messages: [{ key: id, value: id }] });",
        '}',
      ),
    });
    const findings = analyzeWithFixes(root).filter((f) => f.ruleId === RULE);
    assert.equal(findings.length, 2);
    const fixes = findings.map((f) => f.fixes![0]) as Fix[];
    assert.ok(fixes.every((f) => f.batchable));
    const combined = combineFixes(fixes);
    assert.equal(combined.applied, 2);
    applyEdits(root, combined.edits);
    assert.deepEqual(typeCheck(root), []);
    assert.deepEqual(analyzeWithFixes(root).filter((f) => f.ruleId === RULE), []);
    removeWorkspace(root);
  });
});

describe('fix: propagate the incoming correlation id', () => {
  test('kafkajs handler minting a new correlation id: replaced with the incoming header', () => {
    const { root, changed } = checkFix({
      name: 'kafka notPropagated', ruleId: RULE,
      files: {
        'services/payments/src/consumer.ts': lines(
          "import { randomUUID } from 'node:crypto';",
          "import { Kafka } from 'kafkajs';",
          '',
          "const kafka = new Kafka({ clientId: 'payments', brokers: ['kafka:9092'] });",
          'const producer = kafka.producer();',
          "const consumer = kafka.consumer({ groupId: 'payments' });",
          '',
          'export async function start(): Promise<void> {',
          "  await consumer.subscribe({ topic: 'order.created' });",
          '  await consumer.run({',
          '    eachMessage: async ({ message }) => {',
          '      const order = JSON.parse(message.value!.toString());',
          '      await producer.send({',
          "        topic: 'payment.requested',",
          "        messages: [{ key: order.id, value: JSON.stringify(order), headers: { 'message-id': randomUUID(), 'correlation-id': randomUUID() } }],",
          '      });',
          '    },',
          '  });',
          '}',
        ),
      },
      title: 'Propagate the incoming correlation id (from the incoming message)',
      rewrites: ["'correlation-id': randomUUID()"],
      keeps: ['value: JSON.stringify(order)', "'message-id': randomUUID()"],
    });
    assert.ok(changed['services/payments/src/consumer.ts'].includes("'correlation-id': message.headers?.['correlation-id']?.toString() ?? message.headers?.['message-id']?.toString() }"));
    removeWorkspace(root);
  });

  test('amqplib helper in another file minting `{ correlationId }`: the shorthand becomes the incoming property', () => {
    const { root, changed } = checkFix({
      name: 'amqp notPropagated', ruleId: RULE,
      files: {
        'services/inventory/src/consumer.ts': lines(
          "import amqp from 'amqplib';",
          "import { publishReserved } from './publish';",
          '',
          'export async function start(): Promise<void> {',
          '  const connection = await amqp.connect(process.env.AMQP_URL!);',
          '  const channel = await connection.createChannel();',
          "  await channel.consume('inventory.reserve', async (msg) => {",
          '    if (!msg) return;',
          '    await publishReserved(channel, msg);',
          '    channel.ack(msg);',
          '  });',
          '}',
        ),
        'services/inventory/src/publish.ts': lines(
          "import type { Channel, ConsumeMessage } from 'amqplib';",
          "import { randomUUID } from 'node:crypto';",
          '',
          'export async function publishReserved(channel: Channel, cause: ConsumeMessage): Promise<void> {',
          '  const correlationId = randomUUID();',
          "  channel.publish('inventory', 'stock.reserved', cause.content, { correlationId });",
          '}',
        ),
      },
      title: 'Propagate the incoming correlation id (from the incoming message)',
      rewrites: ['{ correlationId });'],
    });
    assert.ok(changed['services/inventory/src/publish.ts'].includes('{ correlationId: cause.properties.correlationId ?? cause.properties.messageId });'), changed['services/inventory/src/publish.ts']);
    removeWorkspace(root);
  });
});

test('applyTextEdits applies 1-based end-exclusive edits in reverse order', () => {
  const text = 'ab\ncd\n';
  const out = applyTextEdits(text, [
    { file: 'x', range: { start: { line: 1, column: 2 }, end: { line: 2, column: 2 } }, newText: 'X' },
    { file: 'x', range: { start: { line: 2, column: 3 }, end: { line: 2, column: 3 } }, newText: '!' },
  ]);
  assert.equal(out, 'aXd!\n');
});
