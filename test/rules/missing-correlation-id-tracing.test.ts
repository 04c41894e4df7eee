/**
 * missing-correlation-id and OpenTelemetry registered inside a function of a shared package
 * (`export function initTelemetry() { new NodeSDK(...).start() }`): it covers the services
 * that call it, through wrappers and `export *` barrels; shared code is covered where every
 * service that imports it is. Also: a publish wrapper that writes the headers itself (whether or
 * not its callers name the channel).
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const ROOT_PACKAGE = JSON.stringify({ name: 'acme', private: true, workspaces: ['services/*', 'libs/*'] }, null, 2);

/** `@acme/telemetry`: the NodeSDK starts inside `initTelemetry()`, wrapped by `createContext()`, behind an `export *` barrel. */
const TELEMETRY = {
  'package.json': ROOT_PACKAGE,
  'libs/telemetry/package.json': JSON.stringify({ name: '@acme/telemetry', version: '1.0.0', main: 'src/index.ts' }),
  'libs/telemetry/src/index.ts': lines("export * from './sdk';", "export * from './context';", "export const VERSION = '1';"),
  'libs/telemetry/src/sdk.ts': lines(
    "import { NodeSDK } from '@opentelemetry/sdk-node';", //                                    1
    "import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';", // 2
    '', //                                                                                      3
    'export function initTelemetry(name: string): boolean {', //                               4
    '  if (!process.env.OTEL_EXPORTER_OTLP_ENDPOINT) return false;', //                        5
    '  new NodeSDK({ serviceName: name, instrumentations: [getNodeAutoInstrumentations()] }).start();', // 6
    '  return true;', //                                                                        7
    '}', //                                                                                     8
  ),
  'libs/telemetry/src/context.ts': lines(
    "import { initTelemetry } from './sdk';",
    'export function createContext(name: string) {',
    '  initTelemetry(name);',
    '  return { name };',
    '}',
  ),
};

/** The same package with the NodeSDK started in a class method (`export class Telemetry { start() {...} }`): it registers when constructed and started, not on load. */
const TELEMETRY_CLASS = {
  ...TELEMETRY,
  'libs/telemetry/src/sdk.ts': lines(
    "import { NodeSDK } from '@opentelemetry/sdk-node';",
    "import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node';",
    '',
    'export class Telemetry {',
    '  constructor(private readonly name: string) {}',
    '  start(): boolean {',
    '    new NodeSDK({ serviceName: this.name, instrumentations: [getNodeAutoInstrumentations()] }).start();',
    '    return true;',
    '  }',
    '}',
    'export function initTelemetry(name: string): boolean {',
    '  return new Telemetry(name).start();',
    '}',
  ),
};

const KAFKA_SETUP = [
  "import { Kafka } from 'kafkajs';", //                                                         1
  '', //                                                                                         2
  "const kafka = new Kafka({ clientId: 'orders', brokers: [process.env.KAFKA_BROKER!] });", //  3
  'const producer = kafka.producer();', //                                                      4
  '', //                                                                                         5
];

/** A publish without headers, in a service. */
const publishIn = (service: string) => ({
  [`services/${service}/src/publish.ts`]: lines(
    ...KAFKA_SETUP,
    'export async function publishOrderCreated(order: { id: string }) {', //                                   6
    "  await producer.send({ topic: 'order.created', messages: [{ key: order.id, value: order.id }] });", //  7
    '}',
  ),
});

/** A shared package whose publish has no headers, used by two services. */
const EVENTS = {
  'libs/events/package.json': JSON.stringify({ name: '@acme/events', version: '1.0.0', main: 'src/index.ts' }),
  'libs/events/src/index.ts': lines(
    ...KAFKA_SETUP,
    'export async function publishOrderCreated(order: { id: string }) {', //                                   6
    "  await producer.send({ topic: 'order.created', messages: [{ key: order.id, value: order.id }] });", //  7
    '}',
  ),
};

/** A service bootstrap that calls the wrapper first, or later, or not at all. */
const bootstrap = (service: string, start: 'first' | 'later' | 'none') => ({
  [`services/${service}/src/main.ts`]: lines(
    `import { ${start === 'none' ? 'VERSION' : 'createContext'} } from '@acme/telemetry';`, // 1
    "import { publishOrderCreated } from '@acme/events';", //                                    2
    '', //                                                                                       3
    'async function main() {', //                                                                4
    start === 'first' ? `  const ctx = createContext('${service}');` : `  console.log('${service}');`, // 5
    "  await publishOrderCreated({ id: '1' });", //                                              6
    start === 'later' ? `  const ctx = createContext('${service}');` : start === 'none' ? '  console.log(VERSION);' : '', // 7
    '}', //                                                                                      8
    'void main();',
  ),
});

/** A Pub/Sub client module constructed with or without the library's own tracing option, and a route that publishes through it. */
const pubsubClient = (option: string, dir = 'services/notify/src') => ({
  [`${dir}/gcp/clients.ts`]: lines(
    "import { PubSub } from '@google-cloud/pubsub';", //                     1
    'let client: PubSub | undefined;', //                                    2
    'export function getPubSub(): PubSub {', //                              3
    `  client ??= new PubSub({ projectId: 'acme'${option} });`, //           4
    '  return client;', //                                                   5
    '}', //                                                                  6
  ),
  [`${dir}/route.ts`]: lines(
    "import { getPubSub } from './gcp/clients';", //                                            1
    'export async function notify(json: { breach: string }) {', //                              2
    // A named topic: one no literal names and no code subscribes to may be bound in infrastructure (not a hop).
    "  await getPubSub().topic('breach-alerts-v1').publishMessage({ json });", //               3
    '}', //                                                                                     4
  ),
});

/** A Powertools tracer module, a client module that wraps its SQS client with it (or not), and a sender. */
const xray = (wrap: boolean) => ({
  'services/audit/src/commons/tracer.ts': lines(
    "import { Tracer } from '@aws-lambda-powertools/tracer';",
    "export const tracer = new Tracer({ serviceName: 'audit' });",
  ),
  'services/audit/src/message-service.ts': lines(
    "import { SQSClient } from '@aws-sdk/client-sqs';",
    ...(wrap ? ["import { tracer } from './commons/tracer';", 'export const sqs = tracer.captureAWSv3Client(new SQSClient({}));'] : ['export const sqs = new SQSClient({});']),
  ),
  'services/audit/src/send.ts': lines(
    "import { SendMessageCommand } from '@aws-sdk/client-sqs';", //                                              1
    "import { sqs } from './message-service';", //                                                              2
    'export async function sendAudit(userId: string) {', //                                                      3
    '  await sqs.send(new SendMessageCommand({ QueueUrl: process.env.ORDERS_QUEUE_URL, MessageBody: JSON.stringify({ userId }) }));', // 4
    '}', //                                                                                                     5
  ),
});

/** Another service polling the queue the audit service sends to: the send is a hop to it. */
const ORDERS_QUEUE_CONSUMER = {
  'services/orders/src/poll.ts': lines(
    "import { SQSClient, ReceiveMessageCommand } from '@aws-sdk/client-sqs';",
    'const sqs = new SQSClient({});',
    'export async function poll() {',
    '  const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: process.env.ORDERS_QUEUE_URL }));',
    '  return Messages ?? [];',
    '}',
  ),
};

const REQUIRE_BUSINESS_ID = { 'architecture.yaml': lines('version: 1', 'rules:', '  missing-correlation-id: [warning, { requireBusinessCorrelationId: true }]') };

runRuleTests('missing-correlation-id', {
  valid: [
    {
      name: 'OpenTelemetry started in an exported function of a shared package, called from the bootstrap through a wrapper and an export * barrel',
      files: { ...TELEMETRY, ...EVENTS, ...bootstrap('orders', 'first'), ...publishIn('orders') },
    },
    {
      name: 'OpenTelemetry started in a method of a shared class, constructed by a function the bootstrap calls through a wrapper',
      files: { ...TELEMETRY_CLASS, ...EVENTS, ...bootstrap('orders', 'first'), ...publishIn('orders') },
    },
    {
      name: 'a publish in a shared package, every service that imports it starts OpenTelemetry',
      files: { ...TELEMETRY, ...EVENTS, ...bootstrap('orders', 'first'), ...bootstrap('billing', 'later') },
    },
    {
      name: 'a wrapper that writes the headers itself and takes the body from callers that put the id in it: the callers decide',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'async function send(content: Buffer, workspace: string) {',
          "  await producer.send({ topic: 'mail', messages: [{ value: content, headers: { workspace } }] });",
          '}',
          'export async function created(id: string, correlationId: string) {',
          '  await send(Buffer.from(JSON.stringify({ id, correlationId })), id);',
          '}',
        ),
      },
    },
    {
      name: 'a Pub/Sub client constructed with enableOpenTelemetryTracing carries the trace in what it publishes',
      files: pubsubClient(', enableOpenTelemetryTracing: true'),
    },
    {
      name: 'the same in a workspace where no service is found: the workspace is one program, and the option covers it',
      files: pubsubClient(', enableOpenTelemetryTracing: true', 'src'),
    },
    {
      name: 'an SQS client wrapped by the Powertools tracer (AWS X-Ray) carries the trace header',
      files: xray(true),
    },
  ],
  invalid: [
    {
      name: 'the same SQS client, not wrapped, in a service with no tracer',
      files: { 'services/audit/src/message-service.ts': xray(false)['services/audit/src/message-service.ts'], 'services/audit/src/send.ts': xray(false)['services/audit/src/send.ts'], ...ORDERS_QUEUE_CONSUMER },
      errors: [{ messageId: 'missing', file: 'services/audit/src/send.ts', line: 4, column: 13 }],
    },
    {
      name: 'the same Pub/Sub client without its tracing option',
      files: pubsubClient(''),
      errors: [{ messageId: 'missing', file: 'services/notify/src/route.ts', line: 3, column: 47 }],
    },
    {
      name: 'the same client without the option in a workspace where no service is found',
      files: pubsubClient('', 'src'),
      errors: [{ messageId: 'missing', file: 'src/route.ts', line: 3, column: 47 }],
    },
    {
      name: 'requireBusinessCorrelationId: the native option is named as the trace carrier',
      files: { ...pubsubClient(', enableOpenTelemetryTracing: true'), ...REQUIRE_BUSINESS_ID },
      errors: [{
        messageId: 'missing', file: 'services/notify/src/route.ts', line: 3, column: 47,
        messageIncludes: 'OpenTelemetry instrumentation of @google-cloud/pubsub, registered at services/notify/src/gcp/clients.ts:4, propagates the trace context',
      }],
    },
    {
      name: 'the registering function exists, and the service imports its package, but nothing calls it',
      files: { ...TELEMETRY, ...EVENTS, ...bootstrap('orders', 'none'), ...publishIn('orders') },
      errors: [
        { messageId: 'missing', file: 'libs/events/src/index.ts', line: 7, column: 18 },
        { messageId: 'missing', file: 'services/orders/src/publish.ts', line: 7, column: 18 },
      ],
    },
    {
      name: 'the registering class is in a package the service imports, but nothing constructs it: not registered on load',
      files: { ...TELEMETRY_CLASS, ...EVENTS, ...bootstrap('orders', 'none'), ...publishIn('orders') },
      errors: [
        { messageId: 'missing', file: 'libs/events/src/index.ts', line: 7, column: 18 },
        { messageId: 'missing', file: 'services/orders/src/publish.ts', line: 7, column: 18 },
      ],
    },
    {
      name: 'a publish in a shared package, one of the services that import it starts no OpenTelemetry',
      files: { ...TELEMETRY, ...EVENTS, ...bootstrap('orders', 'first'), ...bootstrap('billing', 'none') },
      errors: [{ messageId: 'missing', file: 'libs/events/src/index.ts', line: 7, column: 18 }],
    },
    {
      name: 'requireBusinessCorrelationId: the message names the registration and the call that starts it (first in the bootstrap: direct)',
      files: { ...TELEMETRY, ...EVENTS, ...bootstrap('orders', 'first'), ...publishIn('orders'), ...REQUIRE_BUSINESS_ID },
      errors: [
        {
          messageId: 'missing', file: 'libs/events/src/index.ts', line: 7, column: 18,
          messageIncludes: 'registered at libs/telemetry/src/sdk.ts:6, started by `createContext() → initTelemetry()` called at services/orders/src/main.ts:5, propagates',
        },
        {
          messageId: 'missing', file: 'services/orders/src/publish.ts', line: 7, column: 18,
          messageIncludes: 'registered at libs/telemetry/src/sdk.ts:6, started by `createContext() → initTelemetry()` called at services/orders/src/main.ts:5, propagates',
        },
      ],
    },
    {
      name: 'requireBusinessCorrelationId: started after other code in the bootstrap: inferred, and said so',
      files: { ...TELEMETRY, ...EVENTS, ...bootstrap('orders', 'later'), ...publishIn('orders'), ...REQUIRE_BUSINESS_ID },
      errors: [
        { messageId: 'missing', file: 'libs/events/src/index.ts', line: 7, column: 18, messageIncludes: 'called at services/orders/src/main.ts:7 (inferred: load order not seen)' },
        { messageId: 'missing', file: 'services/orders/src/publish.ts', line: 7, column: 18, messageIncludes: 'called at services/orders/src/main.ts:7 (inferred: load order not seen)' },
      ],
    },
    {
      name: 'a wrapper that writes the headers itself and takes only the body from its callers: one finding at the send',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'async function send(content: Buffer, workspace: string) {', //                                             6
          "  await producer.send({ topic: 'mail', messages: [{ value: content, headers: { workspace } }] });", // 7
          '}', //                                                                                                    8
          'export async function created(id: string) {', //                                                          9
          "  await send(Buffer.from(JSON.stringify({ id, kind: 'created' })), id);", //                             10
          '}', //                                                                                                    11
          'export async function removed(id: string) {', //                                                          12
          "  await send(Buffer.from(JSON.stringify({ id, kind: 'removed' })), id);", //                             13
          '}',
        ),
      },
      errors: [{
        messageId: 'missing', file: 'services/orders/src/publish.ts', line: 7, column: 18,
        related: [
          'services/orders/src/publish.ts:10:9 called from here with a message that carries no id (`send()`)',
          'services/orders/src/publish.ts:13:9 called from here with a message that carries no id (`send()`)',
        ],
      }],
    },
    {
      name: 'a wrapper that builds the event envelope itself (id, type, time around the caller\'s data): one finding at the send',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          "import { randomUUID } from 'node:crypto';", //                                                           6
          'async function publish(topic: string, type: string, data: Record<string, unknown>) {', //               7
          "  const event = { specversion: '1.0', id: randomUUID(), source: 'orders', type, time: new Date().toISOString(), data };", // 8
          '  await producer.send({ topic, messages: [{ key: event.id, value: JSON.stringify(event) }] });', //     9
          '}', //                                                                                                  10
          'export async function created(id: string) {', //                                                       11
          "  await publish('orders.events', 'created', { id });", //                                               12
          '}', //                                                                                                  13
          'export async function removed(id: string) {', //                                                       14
          "  await publish('orders.events', 'removed', { id });", //                                               15
          '}',
        ),
      },
      errors: [{
        messageId: 'missing', file: 'services/orders/src/publish.ts', line: 9, column: 18,
        messageIncludes: 'The message sent by `producer.send to "orders.events"` carries no correlation or causation id',
        related: [
          'services/orders/src/publish.ts:12:9 called from here with a message that carries no id (`publish()`, to "orders.events")',
          'services/orders/src/publish.ts:15:9 called from here with a message that carries no id (`publish()`, to "orders.events")',
        ],
      }],
    },
    {
      name: 'an inherited SNS wrapper that builds the whole PublishInput around the body its subclasses give: one finding at the send',
      files: {
        'services/orders/src/base.sns.ts': lines(
          "import { SNS } from 'aws-sdk';", //                                                          1
          '', //                                                                                        2
          'export abstract class BaseSnsService<T> {', //                                              3
          '  protected sns = new SNS();', //                                                            4
          '  constructor(protected topicArn: string) {}', //                                           5
          '  protected async publish(message: T): Promise<void> {', //                                 6
          "    const input: SNS.Types.PublishInput = { TopicArn: 'arn:aws:sns:eu-west-1:123456789012:orders', Message: JSON.stringify(message) };", // 7
          '    await this.sns.publish(input).promise();', //                                            8
          '  }', //                                                                                     9
          '}', //                                                                                      10
        ),
        'services/orders/src/created.sns.ts': lines(
          "import { BaseSnsService } from './base.sns';", //                                                    1
          'export class OrderCreatedSns extends BaseSnsService<{ id: string }> {', //                          2
          '  async send(id: string) {', //                                                                      3
          '    await this.publish({ id });', //                                                                 4
          '  }', //                                                                                             5
          '}', //                                                                                              6
        ),
        'services/orders/src/removed.sns.ts': lines(
          "import { BaseSnsService } from './base.sns';", //                                                    1
          'export class OrderRemovedSns extends BaseSnsService<{ id: string }> {', //                          2
          '  async send(id: string) {', //                                                                      3
          '    await this.publish({ id });', //                                                                 4
          '  }', //                                                                                             5
          '}', //                                                                                              6
        ),
      },
      errors: [{
        messageId: 'missing', file: 'services/orders/src/base.sns.ts', line: 8, column: 20,
        related: [
          'services/orders/src/created.sns.ts:4:16 called from here with a message that carries no id (`publish()`)',
          'services/orders/src/removed.sns.ts:4:16 called from here with a message that carries no id (`publish()`)',
        ],
      }],
    },
    {
      name: 'a business key that ends in request_id (the id of a return request) is not a request id: still one finding at the send',
      files: {
        'services/orders/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'async function publish(topic: string, eventType: string, data: unknown) {', //                            6
          "  await producer.send({ topic, messages: [{ value: JSON.stringify(data), headers: { 'event-type': eventType } }] });", // 7
          '}', //                                                                                                  8
          'export async function opened(id: string, returnRequestId: string) {', //                              9
          "  await publish('returns.events', 'opened', { id, return_request_id: returnRequestId });", //           10
          '}', //                                                                                                  11
          'export async function closed(id: string) {', //                                                        12
          "  await publish('returns.events', 'closed', { id });", //                                               13
          '}',
        ),
      },
      errors: [{
        messageId: 'missing', file: 'services/orders/src/publish.ts', line: 7, column: 18,
        related: [
          'services/orders/src/publish.ts:10:9 called from here with a message that carries no id (`publish()`, to "returns.events")',
          'services/orders/src/publish.ts:13:9 called from here with a message that carries no id (`publish()`, to "returns.events")',
        ],
      }],
    },
    {
      name: 'a wrapper that writes the headers itself, with callers naming the queue: still one finding at the send',
      files: {
        'services/orders/src/publish.ts': lines(
          "import * as amqp from 'amqplib';", //                                                                   1
          '', //                                                                                                  2
          'let channel: amqp.Channel;', //                                                                        3
          '', //                                                                                                  4
          '', //                                                                                                  5
          'async function send(queue: string, content: Buffer, workspace: string) {', //                          6
          '  channel.sendToQueue(queue, content, { headers: { workspace } });', //                                7
          '}', //                                                                                                 8
          'export async function created(id: string) {', //                                                      9
          "  await send('billing.orders', Buffer.from(JSON.stringify({ id, kind: 'created' })), id);", //          10
          '}', //                                                                                                 11
          'export async function removed(id: string) {', //                                                      12
          "  await send('billing.orders', Buffer.from(JSON.stringify({ id, kind: 'removed' })), id);", //          13
          '}',
        ),
      },
      errors: [{
        messageId: 'missing', file: 'services/orders/src/publish.ts', line: 7, column: 11,
        related: [
          'services/orders/src/publish.ts:10:9 called from here with a message that carries no id (`send()`, to "billing.orders")',
          'services/orders/src/publish.ts:13:9 called from here with a message that carries no id (`send()`, to "billing.orders")',
        ],
      }],
    },
  ],
});
