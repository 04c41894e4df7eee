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
