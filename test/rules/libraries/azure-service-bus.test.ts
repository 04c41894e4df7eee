/** Azure Service Bus: `sender.sendMessages`, `receiver.subscribe({ processMessage })`, receive loops. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const RECEIVER = lines(
  "import { ServiceBusClient } from '@azure/service-bus';",
  "import nodemailer from 'nodemailer';",
  '',
  'const transport = nodemailer.createTransport({ host: process.env.SMTP_HOST });',
  '',
  'export function start() {',
  '  const client = new ServiceBusClient(process.env.SERVICEBUS_CONNECTION!);',
  "  const receiver = client.createReceiver('order-shipped');",
  '  receiver.subscribe({',
  '    processMessage: async (message) => {',
  "      await transport.sendMail({ to: message.body.email, subject: 'Shipped' });",
  '    },',
  '    processError: async (args) => console.error(args.error),',
  '  });',
  '}',
);

const GUARDED_RECEIVER = lines(
  "import { ServiceBusClient, ServiceBusReceivedMessage } from '@azure/service-bus';",
  "import Redis from 'ioredis';",
  "import nodemailer from 'nodemailer';",
  '',
  'const redis = new Redis(process.env.REDIS_URL!);',
  'const transport = nodemailer.createTransport({ host: process.env.SMTP_HOST });',
  '',
  'async function onShipped(message: ServiceBusReceivedMessage) {',
  "  const first = await redis.set(`processed:${message.messageId}`, '1', 'EX', 86400, 'NX');",
  '  if (!first) return;',
  "  await transport.sendMail({ to: message.body.email, subject: 'Shipped' });",
  '}',
  '',
  'export function start() {',
  "  new ServiceBusClient(process.env.SERVICEBUS_CONNECTION!).createReceiver('order-shipped').subscribe({ processMessage: onShipped, processError: async () => undefined });",
  '}',
);

const SEND_BARE = lines(
  "import { ServiceBusClient } from '@azure/service-bus';",
  '',
  "const sender = new ServiceBusClient(process.env.SERVICEBUS_CONNECTION!).createSender('order-shipped');",
  '',
  'export async function shipped(orderId: string) {',
  "  await sender.sendMessages({ body: { orderId }, contentType: 'application/json' });",
  '}',
);

const SEND_CORRELATED = lines(
  "import { ServiceBusClient } from '@azure/service-bus';",
  '',
  "const sender = new ServiceBusClient(process.env.SERVICEBUS_CONNECTION!).createSender('order-shipped');",
  '',
  'export async function shipped(orderId: string, correlationId: string) {',
  '  await sender.sendMessages({ body: { orderId }, correlationId, messageId: `shipped-${orderId}` });',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'processMessage guarded by SET NX on the message id', files: { 'services/notify/src/receiver.ts': GUARDED_RECEIVER } }],
  invalid: [{
    name: 'processMessage sends an e-mail per delivery',
    files: { 'services/notify/src/receiver.ts': RECEIVER },
    errors: [{ messageId: 'unguarded', ...at(RECEIVER, 'processMessage') }],
  }],
});

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'sendMessages with correlationId (and a deterministic messageId)', files: { 'services/orders/src/send.ts': SEND_CORRELATED } }],
  invalid: [{
    name: 'sendMessages with only a body',
    files: { 'services/orders/src/send.ts': SEND_BARE },
    errors: [{ messageId: 'missing', ...at(SEND_BARE, 'sendMessages') }],
  }],
});

/**
 * ffc-messaging, DEFRA's Service Bus client: a sender built once by a caching factory (CommonJS), a
 * `sendMessage` of a bare body, and a `MessageReceiver` whose action sends an e-mail per delivery.
 */
const FFC_SENDER = lines(
  "const { MessageSender } = require('ffc-messaging')",
  '',
  'const senders = {}',
  'const senderFor = (config) => {',
  '  if (senders[config.address]) return senders[config.address]',
  '  const sender = new MessageSender(config)',
  '  senders[config.address] = sender',
  '  return sender',
  '}',
  '',
  'const sendEvent = async (event, correlationId) => {',
  "  await senderFor({ address: 'events', type: 'topic' }).sendMessage(correlationId ? { body: event, type: 'uk.gov.event', source: 'api', correlationId } : { body: event, type: 'uk.gov.event', source: 'api' })",
  '}',
  '',
  'module.exports = { sendEvent }',
);
const FFC_SENDER_BARE = FFC_SENDER.replace("correlationId ? { body: event, type: 'uk.gov.event', source: 'api', correlationId } : ", '');
const FFC_SENDER_CORRELATED = FFC_SENDER.replace(" : { body: event, type: 'uk.gov.event', source: 'api' }", '').replace('correlationId ? ', '');

const FFC_RECEIVER = lines(
  "const { MessageReceiver } = require('ffc-messaging')",
  "const nodemailer = require('nodemailer')",
  '',
  'const transport = nodemailer.createTransport({ host: process.env.SMTP_HOST })',
  '',
  'const handle = async (message, receiver) => {',
  "  await transport.sendMail({ to: message.body.email, subject: 'Registered' })",
  '  await receiver.completeMessage(message)',
  '}',
  '',
  'const start = async () => {',
  "  const receiver = new MessageReceiver({ address: 'registrations', topic: 'registrations', type: 'subscription' }, (message) => handle(message, receiver))",
  '  await receiver.subscribe()',
  '}',
  '',
  'module.exports = { start }',
);

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'ffc-messaging sendMessage with a correlationId', files: { 'app/messaging/send-event.js': FFC_SENDER_CORRELATED } }],
  invalid: [{
    name: 'ffc-messaging sendMessage of a bare body, through a caching sender factory',
    files: { 'app/messaging/send-event.js': FFC_SENDER_BARE },
    errors: [{ messageId: 'missing', ...at(FFC_SENDER_BARE, 'sendMessage') }],
  }],
});

const FFC_GUARDED = FFC_RECEIVER
  .replace("const nodemailer = require('nodemailer')", "const nodemailer = require('nodemailer')\nconst Redis = require('ioredis')\nconst redis = new Redis(process.env.REDIS_URL)")
  .replace('const handle = async (message, receiver) => {', "const handle = async (message, receiver) => {\n  if (!(await redis.set(`seen:${message.messageId}`, '1', 'EX', 86400, 'NX'))) return receiver.completeMessage(message)");

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'an ffc-messaging MessageReceiver whose action is guarded by SET NX on the message id', files: { 'app/messaging/receiver.js': FFC_GUARDED } }],
  invalid: [{
    name: 'an ffc-messaging MessageReceiver whose action sends an e-mail per delivery',
    files: { 'app/messaging/receiver.js': FFC_RECEIVER },
    errors: [{ messageId: 'unguarded', ...at(FFC_RECEIVER, 'new MessageReceiver') }],
  }],
});
