/**
 * dual-write: what a finding says and how sure it is. Error only with direct
 * evidence (inferred-only is a warning that says what was inferred), the
 * failure it describes (lost, or retried by a redelivering consumer), and one
 * finding per flow with its entry points as related locations.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { findingsFor } from '../support/ruleTester';

/** A consumer of "shipments.created" in another service, so that the event is seen to be consumed. */
const SHIPMENTS_CONSUMER = {
  'services/billing/src/shipments.consumer.ts': `import { Kafka } from 'kafkajs';

const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });

export async function start() {
  await consumer.subscribe({ topic: 'shipments.created' });
  await consumer.run({ eachMessage: async ({ message }) => console.log(message.value) });
}
`,
};

/** A shipments module whose `publish(topic, data)` wrapper sends with kafkajs (lines 1-9). */
const PUBLISH_WRAPPER = `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

async function publish(topic: string, data: unknown) {
  await producer.send({ topic, messages: [{ value: JSON.stringify(data) }] });
}
`;

describe('dual-write evidence and wording', () => {
  it('a call to a service inferred from the folder layout is a warning that says so', () => {
    const findings = findingsFor('dual-write', {
      'services/payments/src/main.ts': 'export const port = 3000;\n',
      'services/orders/src/checkout.ts': `import { Pool } from 'pg';

const pool = new Pool();

export async function checkout(orderId: string) {
  await pool.query("UPDATE orders SET status = 'PAYING' WHERE id = $1", [orderId]);
  await fetch(\`\${process.env.PAYMENTS_SERVICE_URL}/charges\`, { method: 'POST', body: JSON.stringify({ orderId }) });
}
`,
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'warning');
    assert.match(findings[0].message, /Inferred: "payments" is taken to be a service of this workspace/);
  });

  it('the same call is an error when the architecture file declares the service', () => {
    const findings = findingsFor('dual-write', {
      'architecture.yaml': 'version: 1\nservices:\n  orders:\n    paths: [services/orders]\n  payments:\n    paths: [services/payments]\n',
      'services/payments/src/main.ts': 'export const port = 3000;\n',
      'services/orders/src/checkout.ts': `import { Pool } from 'pg';

const pool = new Pool();

export async function checkout(orderId: string) {
  await pool.query("UPDATE orders SET status = 'PAYING' WHERE id = $1", [orderId]);
  await fetch(\`\${process.env.PAYMENTS_SERVICE_URL}/charges\`, { method: 'POST', body: JSON.stringify({ orderId }) });
}
`,
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'error');
    assert.doesNotMatch(findings[0].message, /Inferred/);
  });

  /** A Kafka consumer that inserts and publishes; `guard` is a statement run first. */
  const shippingConsumer = (guard: string) => `import { Kafka } from 'kafkajs';
import { Pool } from 'pg';

const pool = new Pool();
const kafka = new Kafka({ brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'shipping' });
const producer = kafka.producer();

export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      ${guard}
      await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [message.key!.toString()]);
      await producer.send({ topic: 'shipments.created', messages: [{ key: message.key, value: message.value }] });
    },
  });
}
`;

  it('inside a Kafka consumer that deduplicates, the message says the broker redelivers and the repeat skips the publish', () => {
    const findings = findingsFor('dual-write', {
      'services/shipping/src/consumer.ts': shippingConsumer("const { rowCount } = await pool.query('INSERT INTO processed_messages (id) VALUES ($1) ON CONFLICT DO NOTHING', [message.offset]); if (!rowCount) return;"),
      ...SHIPMENTS_CONSUMER,
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].severity, 'error');
    assert.match(findings[0].message, /redelivers the message and the handler runs again, repeating the write: the event goes out only if the repeated write succeeds and does not skip it/);
    assert.doesNotMatch(findings[0].message, /nothing retries/);
  });

  it('inside a Kafka consumer that nothing stops on a repeat, the redelivery runs the write and the publish again: non-idempotent-consumer reports it, not dual-write', () => {
    const files = { 'services/shipping/src/consumer.ts': shippingConsumer(''), ...SHIPMENTS_CONSUMER };
    assert.deepEqual(findingsFor('dual-write', files), []);
    const repeated = findingsFor('non-idempotent-consumer', files).filter((f) => f.location.file === 'services/shipping/src/consumer.ts');
    assert.equal(repeated.length, 1);
    assert.match(repeated[0].message, /publishes \(`producer.send to "shipments.created"`\)|writes `INSERT INTO shipments`/);
  });

  /** A Kafka consumer dispatching on the message's type: `audit` runs for one type, the insert and publish for another. */
  const dispatchingConsumer = (audit: string, create: string) => `import { Kafka } from 'kafkajs';
import { PrismaClient } from '@prisma/client';

const prisma = new PrismaClient();
const kafka = new Kafka({ brokers: ['kafka:9092'] });
const consumer = kafka.consumer({ groupId: 'shipping' });
const producer = kafka.producer();

async function onAudit(id: string) {
  ${audit}
}

async function onCreated(orderId: string) {
  ${create}
  await producer.send({ topic: 'shipments.created', messages: [{ key: orderId, value: orderId }] });
}

export async function start() {
  await consumer.run({
    eachMessage: async ({ message }) => {
      const event = JSON.parse(message.value!.toString());
      switch (event.type) {
        case 'audited':
          await onAudit(event.id);
          break;
        case 'created':
          await onCreated(event.orderId);
          break;
      }
    },
  });
}
`;
  const KEYED_AUDIT = 'await prisma.auditMark.create({ data: { id } });';
  const SHIPMENT = "await prisma.shipment.update({ where: { id: orderId }, data: { status: 'created' } });";

  it('what stops a repeat is judged on the way to the publish: a keyed insert in another case of the dispatch does not stop it, so the redelivery repeats the write and the publish', () => {
    const files = { 'services/shipping/src/consumer.ts': dispatchingConsumer(KEYED_AUDIT, SHIPMENT), ...SHIPMENTS_CONSUMER };
    assert.deepEqual(findingsFor('dual-write', files), []);
  });

  it('a get-or-create before the publish lets the repeat go on to it; a keyed insert that fails on the repeat stops it before the publish', () => {
    const getOrCreate = 'const found = await prisma.shipment.findUnique({ where: { id: orderId } });\n  if (!found) await prisma.shipment.create({ data: { id: orderId } });';
    assert.deepEqual(findingsFor('dual-write', { 'services/shipping/src/consumer.ts': dispatchingConsumer('', getOrCreate), ...SHIPMENTS_CONSUMER }), []);
    const stopped = findingsFor('dual-write', { 'services/shipping/src/consumer.ts': dispatchingConsumer('', 'await prisma.shipment.create({ data: { id: orderId } });'), ...SHIPMENTS_CONSUMER });
    assert.equal(stopped.length, 1);
    assert.match(stopped[0].message, /the event goes out only if the repeated write succeeds and does not skip it/);
  });

  it('a fire-and-forget publish in that consumer is lost all the same: its failure never reaches the handler', () => {
    const files = { 'services/shipping/src/consumer.ts': shippingConsumer('').replace('await producer.send(', 'void producer.send('), ...SHIPMENTS_CONSUMER };
    assert.equal(findingsFor('dual-write', files).length, 1);
  });

  it("amqplib's sendToQueue returns a boolean, so an unawaited send in a manual-ack consumer still fails the handler; amqp-connection-manager's returns a promise that is lost", () => {
    // A consumer of "order_accepted" elsewhere, so the event is seen to be consumed.
    const billing = {
      'services/billing/src/consumer.ts': `import amqp from 'amqplib';

export async function start() {
  const channel = await (await amqp.connect('amqp://rabbit')).createChannel();
  await channel.consume('order_accepted', (msg) => { if (msg) { console.log(msg.content.toString()); channel.ack(msg); } });
}
`,
    };
    const consumer = (library: string, connect: string) => `import amqp from '${library}';
import { Pool } from 'pg';

const pool = new Pool();

export async function start() {
  const channel = ${connect};
  await channel.consume('order_created', async (msg: any) => {
    const order = JSON.parse(msg.content.toString());
    await pool.query('UPDATE stock SET qty = qty - $1 WHERE product_id = $2', [order.quantity, order.productId]);
    channel.sendToQueue('order_accepted', Buffer.from(JSON.stringify({ orderId: order.id })));
    channel.ack(msg);
  });
}
`;
    // amqplib: a closed channel throws at the call, the message stays unacked and is redelivered (non-idempotent-consumer's finding).
    const plain = { 'services/inventory/src/consumer.ts': consumer('amqplib', "await (await amqp.connect('amqp://rabbit')).createChannel()"), ...billing };
    assert.deepEqual(findingsFor('dual-write', plain), []);
    assert.equal(findingsFor('non-idempotent-consumer', plain).filter((f) => f.location.file === 'services/inventory/src/consumer.ts').length, 1);
    // amqp-connection-manager: the promise of the send is dropped; the handler acks and the event may be lost.
    const managed = { 'services/inventory/src/consumer.ts': consumer('amqp-connection-manager', "amqp.connect(['amqp://rabbit']).createChannel({ json: false })"), ...billing };
    const lost = findingsFor('dual-write', managed);
    assert.equal(lost.length, 1);
    assert.match(lost[0].message, /sendToQueue "order_accepted"/);
  });

  it('a cloud queue no code consumes: a warning that says its consumer is not known, not that other systems consume it', () => {
    const files = {
      'services/templates/src/proofs.ts': `import { SQSClient, SendMessageCommand } from '@aws-sdk/client-sqs';
import { Pool } from 'pg';

const pool = new Pool({ connectionString: process.env.DATABASE_URL });
const sqs = new SQSClient({});

export async function requestProof(templateId: string) {
  await pool.query("UPDATE templates SET status = 'WAITING_FOR_PROOF' WHERE id = $1", [templateId]);
  await sqs.send(new SendMessageCommand({ QueueUrl: 'https://sqs.eu-west-2.amazonaws.com/123/request-proof', MessageBody: JSON.stringify({ templateId, correlationId: templateId }) }));
}
`,
    };
    const found = findingsFor('dual-write', files);
    assert.equal(found.length, 1);
    assert.equal(found[0].severity, 'warning');
    assert.match(found[0].message, /Inferred: no code here consumes this queue or topic, and a cloud queue is usually wired to its consumer in infrastructure code/);
    assert.doesNotMatch(found[0].message, /other systems consume/);
  });

  it('an event no code in the workspace consumes: a warning that says so, at the call that names the topic through a wrapper', () => {
    const files = {
      'services/shipping/src/shipments.ts': `${PUBLISH_WRAPPER}
export async function ship(orderId: string) {
  await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [orderId]);
  await publish('shipments.created', { orderId });
}
`,
    };
    const unconsumed = findingsFor('dual-write', files);
    assert.equal(unconsumed.length, 1);
    assert.equal(unconsumed[0].severity, 'warning');
    assert.equal(unconsumed[0].location.range.start.line, 13);
    // The topic the call site names, not the wrapper's parameter.
    assert.match(unconsumed[0].message, /publishes \(`producer\.send to "shipments\.created"`\)/);
    assert.match(unconsumed[0].message, /\(Inferred: no consumer of this event is in the workspace, so it is taken to be one that other systems consume\.\)/);
    // The same flow, once another service consumes the topic its caller names: direct evidence, an error.
    const consumed = findingsFor('dual-write', { ...files, ...SHIPMENTS_CONSUMER });
    assert.equal(consumed.length, 1);
    assert.equal(consumed[0].severity, 'error');
    assert.doesNotMatch(consumed[0].message, /Inferred/);
    // A consumer whose topic is not resolved (a config value) may be this event's: nothing is inferred.
    const unnamed = findingsFor('dual-write', {
      ...files,
      'services/audit/src/consumer.ts': `import { Kafka } from 'kafkajs';

const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'audit' });

export async function start() {
  await consumer.subscribe({ topic: process.env.AUDIT_TOPIC! });
  await consumer.run({ eachMessage: async ({ message }) => console.log(message.value) });
}
`,
    });
    assert.equal(unnamed.length, 1);
    assert.equal(unnamed[0].severity, 'error');
    assert.doesNotMatch(unnamed[0].message, /no consumer of this event/);
  });

  it('a NestJS Kafka @EventPattern handler is redelivered on a failure, a @MessagePattern handler answers it with an error reply', () => {
    const app = (decorator: string) => ({
      'services/orders/src/main.ts': `import { NestFactory } from '@nestjs/core';
import { Transport } from '@nestjs/microservices';
import { AppModule } from './app.module';

async function bootstrap() {
  const app = await NestFactory.createMicroservice(AppModule, { transport: Transport.KAFKA, options: { client: { brokers: ['kafka:9092'] } } });
  await app.listen();
}
bootstrap();
`,
      'services/orders/src/orders.controller.ts': `import { Controller, Inject } from '@nestjs/common';
import { ClientKafka, ${decorator}, Payload } from '@nestjs/microservices';
import { Pool } from 'pg';

const pool = new Pool();

@Controller()
export class OrdersController {
  constructor(@Inject('SHIPPING') private readonly shipping: ClientKafka) {}

  @${decorator}('orders.complete')
  async complete(@Payload() body: { orderId: string }) {
    await pool.query('UPDATE orders SET status = $2 WHERE id = $1', [body.orderId, 'COMPLETE']);
    await this.shipping.emit('orders.completed', { orderId: body.orderId }).toPromise();
  }
}
`,
    });
    assert.deepEqual(findingsFor('dual-write', app('EventPattern')), []);
    const request = findingsFor('dual-write', app('MessagePattern'));
    assert.equal(request.length, 1);
    assert.equal(request[0].location.file, 'services/orders/src/orders.controller.ts');
  });

  it('the topic named through a wrapper of a wrapper (publishEvent(topic) → publish(topic) → send({ topic })) is the caller\'s', () => {
    const files = {
      'services/shipping/src/shipments.ts': `${PUBLISH_WRAPPER}
async function publishEvent(topic: string, data: unknown) {
  await publish(topic, { ...(data as object), at: Date.now() });
}

export async function ship(orderId: string) {
  await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [orderId]);
  await publishEvent('shipments.created', { orderId });
}
`,
    };
    const unconsumed = findingsFor('dual-write', files);
    assert.equal(unconsumed.length, 1);
    assert.equal(unconsumed[0].severity, 'warning');
    assert.match(unconsumed[0].message, /publishes \(`producer\.send to "shipments\.created"`\)/);
    assert.match(unconsumed[0].message, /no consumer of this event is in the workspace/);
    const consumed = findingsFor('dual-write', { ...files, ...SHIPMENTS_CONSUMER });
    assert.equal(consumed.length, 1);
    assert.equal(consumed[0].severity, 'error');
  });

  it('the failure follows the transport table: a Redis stream consumer group redelivers, a Redis pub/sub listener does not', () => {
    const handler = (register: string) => `import Redis from 'ioredis';
import { Pool } from 'pg';
import { Kafka } from 'kafkajs';

const redis = new Redis();
const pool = new Pool();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

${register}
`;
    const stream = findingsFor('dual-write', {
      'services/shipping/src/consumer.ts': handler(`export async function poll() {
  const entries = await redis.xreadgroup('GROUP', 'shipping', 'c1', 'STREAMS', 'orders', '>');
  if (!(await redis.set(\`seen:\${String(entries)}\`, '1', 'EX', 86400, 'NX'))) return;
  await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [String(entries)]);
  await producer.send({ topic: 'shipments.created', messages: [{ value: String(entries) }] });
}`),
    });
    assert.equal(stream.length, 1);
    assert.match(stream[0].message, /Redis stream consumer-group loop on "orders", so the broker redelivers the message/);
    const pubsub = findingsFor('dual-write', {
      'services/shipping/src/consumer.ts': handler(`redis.on('message', async (_channel: string, body: string) => {
  await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [body]);
  await producer.send({ topic: 'shipments.created', messages: [{ value: body }] });
});`),
    });
    assert.equal(pubsub.length, 1);
    assert.match(pubsub[0].message, /the change is saved but its event is lost, and nothing retries\./);
  });

  it('a flow reached from two routes is one finding, the routes are related locations', () => {
    const findings = findingsFor('dual-write', {
      'services/orders/src/place.ts': `import { Pool } from 'pg';
import { Kafka } from 'kafkajs';

const pool = new Pool();
const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();

export async function placeOrder(id: string) {
  await pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);
  await producer.send({ topic: 'orders.placed', messages: [{ key: id, value: id }] });
}
`,
      'services/orders/src/routes.ts': `import { placeOrder } from './place';

export async function postOrder(id: string) {
  await placeOrder(id);
}

export async function importOrder(id: string) {
  await placeOrder(id);
}
`,
    });
    assert.equal(findings.length, 1);
    assert.equal(findings[0].location.file, 'services/orders/src/place.ts');
    const entries = findings[0].related.filter((r) => r.message.startsWith('reached from'));
    assert.deepEqual(entries.map((r) => `${r.file}:${r.range.start.line} ${r.message}`).sort(), [
      'services/orders/src/routes.ts:3 reached from postOrder',
      'services/orders/src/routes.ts:7 reached from importOrder',
    ]);
  });
});
