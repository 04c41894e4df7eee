/**
 * dual-write and replies: a publish made through a send wrapper named as a reply (`sendResponse`)
 * answers the requester, who asks again if it is lost, so after the write it is not the write's event;
 * before the write it acknowledges a request that may never be saved, and is reported with that
 * failure. A publish to a RabbitMQ exchange declared `durable: false` is a transient broadcast, like a
 * Redis PUBLISH: not paired with a write unless another service is seen consuming it.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

/** A station gateway's sender over Kafka: requests and responses go through one `send`. */
const SENDER = lines(
  "import { Kafka } from 'kafkajs';",
  '',
  "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();",
  '',
  'export class StationSender {',
  '  sendRequest(message: { stationId: string }, payload: unknown) {',
  "    return this.send(message, payload, 'request');",
  '  }',
  '  sendCommandAwaitReply(message: { stationId: string }, payload: unknown) {',
  "    return this.send(message, payload, 'request');",
  '  }',
  '  sendResponse(message: { stationId: string }, payload: unknown) {',
  "    return this.send(message, payload, 'response');",
  '  }',
  '  private async send(message: { stationId: string }, payload: unknown, state: string) {',
  "    await producer.send({ topic: 'station-calls', messages: [{ key: message.stationId, value: JSON.stringify({ payload, state }) }] });",
  '  }',
  '}',
);

/** A handler of meter values: stores them, then answers the station through `method` (before or after the write). */
const meterValues = (method: string, replyFirst = false) => {
  const write = "  await pool.query('INSERT INTO meter_values (station_id, value) VALUES ($1, $2)', [message.stationId, message.value]);";
  const send = `  await sender.${method}(message, {});`;
  return lines(
    "import { Pool } from 'pg';",
    "import { StationSender } from './sender';",
    '',
    'const pool = new Pool();',
    'const sender = new StationSender();',
    '',
    'export async function handleMeterValues(message: { stationId: string; value: number }) {',
    ...(replyFirst ? [send, write] : [write, send]),
    '}',
  );
};

/** A chat API that saves a message and broadcasts it to the gateway on a fanout exchange it declares `durable`. */
const broadcast = (durable: string) => lines(
  "import amqp from 'amqplib';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool();',
  'let channel: amqp.Channel;',
  '',
  'export async function publishEvent(id: string, data: string) {',
  '  channel ??= await (await amqp.connect(process.env.AMQP_URL!)).createChannel();',
  `  await channel.assertExchange(id, 'fanout', { durable: ${durable} });`,
  "  channel.publish(id, '', Buffer.from(data));",
  '}',
  '',
  'export async function sendMessage(channelId: string, content: string) {',
  "  await pool.query('INSERT INTO messages (channel_id, content) VALUES ($1, $2)', [channelId, content]);",
  "  await publishEvent(channelId, JSON.stringify({ event: 'MESSAGE_CREATE', content }));",
  '}',
);

runRuleTests('dual-write', {
  valid: [
    { name: 'a reply through sendResponse after the write', files: { 'services/csms/src/sender.ts': SENDER, 'services/csms/src/meter.ts': meterValues('sendResponse') } },
    { name: 'a broadcast on an exchange declared durable: false', files: { 'services/api/src/messages.ts': broadcast('false') } },
  ],
  invalid: [
    {
      name: 'the same sender used for a request after the write: reported',
      files: { 'services/csms/src/sender.ts': SENDER, 'services/csms/src/meter.ts': meterValues('sendRequest') },
      errors: [{ messageId: 'dualWrite', file: 'services/csms/src/meter.ts', ...at(meterValues('sendRequest'), 'sendRequest(') }],
    },
    {
      name: 'a request that awaits its reply (sendCommandAwaitReply) after the write: reported',
      files: { 'services/csms/src/sender.ts': SENDER, 'services/csms/src/meter.ts': meterValues('sendCommandAwaitReply') },
      errors: [{ messageId: 'dualWrite', file: 'services/csms/src/meter.ts', ...at(meterValues('sendCommandAwaitReply'), 'sendCommandAwaitReply(') }],
    },
    {
      name: 'a reply sent before the write acknowledges a request that may never be saved',
      files: { 'services/csms/src/sender.ts': SENDER, 'services/csms/src/meter.ts': meterValues('sendResponse', true) },
      errors: [{
        messageId: 'dualWrite', file: 'services/csms/src/meter.ts', ...at(meterValues('sendResponse', true), 'sendResponse('),
        messageIncludes: 'the request is acknowledged but never saved',
      }],
    },
    {
      name: 'the same broadcast on a durable exchange: reported',
      files: { 'services/api/src/messages.ts': broadcast('true') },
      errors: [{ messageId: 'dualWrite', file: 'services/api/src/messages.ts', ...at(broadcast('true'), 'publishEvent(channelId') }],
    },
  ],
});
