/**
 * missing-correlation-id: what counts as a hop and what a message carries.
 * - Only the origin of a URL (scheme + host) names the server it goes to: a literal public host is
 *   an external API whatever env vars its path or query reads; an env var in the origin position
 *   names a workspace service.
 * - Telemetry channels (metrics, gauges, traces, spans, log lines) are not business messages.
 * - A message built by a workspace helper carries the headers the helper sets.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

const FRONTEND = { 'services/frontend/src/main.ts': 'export const port = 3000;\n' };
const ORDERS = { 'services/orders/src/main.ts': 'export const port = 3000;\n' };

const KAFKA_SETUP = [
  "import { Kafka, type ProducerRecord } from 'kafkajs';", //                                    1
  '', //                                                                                         2
  "const kafka = new Kafka({ clientId: 'rotor', brokers: [process.env.KAFKA_BROKER!] });", //   3
  'const producer = kafka.producer();', //                                                      4
  '', //                                                                                         5
];

runRuleTests('missing-correlation-id', {
  valid: [
    {
      name: 'a literal public host is an external API whatever service env vars its query reads (concatenation)',
      files: {
        'services/social/src/facebook.ts': lines(
          'export async function authenticate(code: string) {',
          '  return (await fetch(',
          "    'https://graph.facebook.com/v20.0/oauth/access_token' +",
          '      `?client_id=${process.env.FACEBOOK_APP_ID}` +',
          '      `&redirect_uri=${encodeURIComponent(`${process.env.FRONTEND_URL}/integrations/social/facebook`)}` +',
          '      `&code=${code}`,',
          '  )).json();',
          '}',
        ),
        ...FRONTEND,
      },
    },
    {
      name: 'a literal public host in a template, a const, new URL(path, base) and an axios baseURL',
      files: {
        'services/social/src/oauth.ts': lines(
          "import axios from 'axios';",
          '',
          "const GRAPH = 'https://graph.facebook.com/v20.0';",
          "const graph = axios.create({ baseURL: 'https://graph.facebook.com' });",
          '',
          'export async function exchange(token: string) {',
          '  await fetch(`https://graph.facebook.com/oauth?redirect=${process.env.FRONTEND_URL}&t=${token}`, { method: \'POST\' });',
          '  await fetch(`${GRAPH}/oauth?redirect=${process.env.FRONTEND_SERVICE_URL}`, { method: \'POST\' });',
          '  await fetch(new URL(`/oauth?redirect=${process.env.FRONTEND_URL}`, \'https://graph.facebook.com\'), { method: \'POST\' });',
          '  await graph.post(`/oauth?redirect=${process.env.FRONTEND_URL}`, { token });',
          '}',
        ),
        ...FRONTEND,
      },
    },
    {
      name: 'telemetry: buffered metric rows flushed to a metrics ingest topic',
      files: {
        'services/rotor/src/metrics.ts': lines(
          ...KAFKA_SETUP,
          "const metricsTable = 'metrics';",
          '',
          'export async function flush(rows: { functionId: string; events: number }[]) {',
          '  await producer.send({',
          '    topic: `in.id.metrics.m.batch.t.${metricsTable}`,',
          '    messages: rows.map((r) => ({ value: JSON.stringify(r) })),',
          '  });',
          "  await producer.send({ topic: 'function-logs', messages: rows.map((r) => ({ value: JSON.stringify(r) })) });",
          '}',
        ),
      },
    },
    {
      name: 'a NestJS Kafka emit wrapper whose callers name the topic by an enum member the same service consumes',
      files: {
        'libs/topics/src/index.ts': lines("export enum TOPICS { IMPORT_REQUEST = 'user-action.import.request.1' }"),
        'libs/topics/package.json': JSON.stringify({ name: '@acme/topics', main: 'src/index.ts' }),
        'services/server/src/kafka.producer.ts': lines(
          "import { Inject, Injectable } from '@nestjs/common';",
          "import { ClientKafka } from '@nestjs/microservices';",
          '@Injectable()',
          'export class KafkaProducer {',
          "  constructor(@Inject('KAFKA') private readonly client: ClientKafka) {}",
          '  emitMessage(topic: string, message: { key: string | null; value: unknown }) {',
          '    return this.client.emit(topic, message);',
          '  }',
          '}',
        ),
        'services/server/src/import.service.ts': lines(
          "import { TOPICS } from '../../../libs/topics/src';",
          "import { KafkaProducer } from './kafka.producer';",
          'export class ImportService {',
          '  constructor(private readonly producer: KafkaProducer) {}',
          '  async start(actionId: string) {',
          '    await this.producer.emitMessage(TOPICS.IMPORT_REQUEST, { key: null, value: { actionId } });',
          '  }',
          '}',
        ),
        'services/server/src/import.controller.ts': lines(
          "import { Controller } from '@nestjs/common';",
          "import { EventPattern, Payload } from '@nestjs/microservices';",
          "import { TOPICS } from '../../../libs/topics/src';",
          '@Controller()',
          'export class ImportController {',
          '  @EventPattern(TOPICS.IMPORT_REQUEST)',
          '  async onImport(@Payload() message: { actionId: string }) {',
          '    return message.actionId;',
          '  }',
          '}',
        ),
      },
    },
    {
      name: 'a health probe: a liveness check pings the broker with a timestamp',
      files: {
        'services/storage/src/queue.ts': lines(
          ...KAFKA_SETUP,
          'export async function checkKafka(replica: number) {',
          '  await producer.send({ topic: `health.internal.storage.${replica}`, messages: [{ value: String(Date.now()) }] });',
          "  await producer.send({ topic: 'storage-heartbeat', messages: [{ value: String(Date.now()) }] });",
          '}',
        ),
      },
    },
    {
      name: 'telemetry: a gauge snapshot XADDed to a stream named from a metric definition',
      files: {
        'services/engine/src/emitter.ts': lines(
          "import Redis from 'ioredis';",
          '',
          'export type MetricDefinition = { name: string; shardCount: number };',
          '',
          'export function streamKey(definition: MetricDefinition, shard: number): string {',
          '  return `${definition.name}:{${shard}}`;',
          '}',
          '',
          'export class StreamEmitter {',
          '  private readonly redis = new Redis(process.env.REDIS_URL!);',
          '  constructor(private readonly def: MetricDefinition) {}',
          '',
          '  emitGauge(shard: number, fields: Record<string, string>) {',
          '    const stream = streamKey(this.def, shard);',
          "    const args: string[] = ['*'];",
          '    for (const [field, value] of Object.entries(fields)) args.push(field, value);',
          '    void this.redis.xadd(stream, ...(args as [string, ...string[]]));',
          '  }',
          '}',
        ),
      },
    },
    {
      name: 'a message built by a workspace helper that sets a request-id header (destructured from its result)',
      files: {
        'services/gateway/src/command.ts': lines(
          ...KAFKA_SETUP,
          "const REQUEST_ID_HEADER = 'request-id';",
          '',
          'function commandMessage(data: string, metadata: { requestId: string; version: string }) {',
          '  const id = crypto.randomUUID();',
          "  const message = { value: data, headers: { 'message-id': id, [REQUEST_ID_HEADER]: metadata.requestId, version: metadata.version } };",
          '  return { id, message };',
          '}',
          '',
          "const sendMessage = (record: ProducerRecord) => producer.send(record);",
          '',
          'export async function sendCommand(data: string, metadata: { requestId: string; version: string }) {',
          '  const { message } = commandMessage(data, metadata);',
          "  await sendMessage({ topic: 'orders-request', messages: [message] });",
          '}',
        ),
      },
    },
    {
      name: 'a helper whose result carries the caller\'s headers argument, and one level more of helpers',
      files: {
        'services/gateway/src/envelope.ts': lines(
          ...KAFKA_SETUP,
          'const envelope = (value: string, headers: Record<string, string>) => ({ value, headers });',
          'const traced = (value: string, correlationId: string) => envelope(value, { correlationId });',
          'const sendMessage = (record: ProducerRecord) => producer.send(record);',
          '',
          'export async function publish(value: string, correlationId: string) {',
          "  await sendMessage({ topic: 'order.created', messages: [traced(value, correlationId)] });",
          '}',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'an env var in the origin position names a workspace service, whatever public host its query names',
      files: {
        'services/gateway/src/orders.ts': lines(
          'export async function createOrder(sku: string) {', //                                                             1
          '  await fetch(`${process.env.ORDERS_URL}/orders?callback=https://hooks.example.com/x`, { method: \'POST\', body: sku });', // 2
          "  await fetch('http://' + process.env.ORDERS_HOST + '/orders', { method: 'POST', body: sku });", //             3
          '  const protocol = process.env.PROTOCOL;', //                                                                         4
          '  await fetch(`${protocol}://${process.env.ORDERS_HOST}/orders?from=https://api.example.com`, { method: \'POST\', body: sku });', // 5
          '}',
        ),
        ...ORDERS,
      },
      errors: [
        { messageId: 'missing', file: 'services/gateway/src/orders.ts', line: 2, column: 9 },
        { messageId: 'missing', file: 'services/gateway/src/orders.ts', line: 3, column: 9 },
        { messageId: 'missing', file: 'services/gateway/src/orders.ts', line: 5, column: 9 },
      ],
    },
    {
      name: 'a business topic with a telemetry word inside a longer word is still a message',
      files: {
        'services/catalog/src/publish.ts': lines(
          ...KAFKA_SETUP,
          'export async function publishCatalog(id: string) {', //                                              6
          "  await producer.send({ topic: 'catalogs.updated', messages: [{ key: id, value: id }] });", //     7
          "  await producer.send({ topic: 'geometrics.computed', messages: [{ key: id, value: id }] });", //  8
          "  await producer.send({ topic: 'shipping.booked', messages: [{ key: id, value: id }] });", //      9
          '}',
        ),
      },
      errors: [
        { messageId: 'missing', file: 'services/catalog/src/publish.ts', line: 7, column: 18 },
        { messageId: 'missing', file: 'services/catalog/src/publish.ts', line: 8, column: 18 },
        { messageId: 'missing', file: 'services/catalog/src/publish.ts', line: 9, column: 18 },
      ],
    },
    {
      name: 'a message built by a workspace helper whose headers carry no correlation id',
      files: {
        'services/gateway/src/event.ts': lines(
          ...KAFKA_SETUP,
          'function eventMessage(data: { userId: string }, metadata: { version: string }) {', //                  6
          '  const eventId = crypto.randomUUID();', //                                                             7
          "  return { value: JSON.stringify(data), headers: { 'event-id': eventId, version: metadata.version } };", // 8
          '}', //                                                                                                  9
          "const sendMessage = (record: ProducerRecord) => producer.send(record);", // 10
          '', //                                                                                                   11
          'export async function sendEvent(data: { userId: string }, metadata: { version: string }) {', //         12
          '  const message = eventMessage(data, metadata);', //                                                    13
          "  await sendMessage({ topic: 'user.created', messages: [message] });", //                               14
          "  await producer.send({ topic: 'user.created', messages: [eventMessage(data, metadata)] });", //        15
          '}',
        ),
      },
      errors: [
        { messageId: 'missing', file: 'services/gateway/src/event.ts', line: 14, column: 9 },
        { messageId: 'missing', file: 'services/gateway/src/event.ts', line: 15, column: 18 },
      ],
    },
  ],
});
