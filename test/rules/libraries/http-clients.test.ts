/** Outgoing HTTP through got, undici and node:http/https. */
import { runRuleTests } from '../../support/ruleTester';
import { PAYMENTS_SERVICE, at, lines } from './helpers';

const GOT_BARE = lines(
  "import got from 'got';",
  '',
  'export async function refund(orderId: string) {',
  '  await got.post(`${process.env.PAYMENTS_SERVICE_URL}/refunds`, { json: { orderId } });',
  '}',
);

const GOT_INSTANCE = lines(
  "import got from 'got';",
  '',
  'const payments = got.extend({ prefixUrl: process.env.PAYMENTS_SERVICE_URL });',
  '',
  'export async function refund(orderId: string, correlationId: string) {',
  "  await payments.post('refunds', { json: { orderId }, headers: { 'x-correlation-id': correlationId } });",
  '}',
);

const UNDICI = lines(
  "import { request } from 'undici';",
  '',
  'export async function refund(orderId: string, correlationId: string) {',
  '  await request(`${process.env.PAYMENTS_SERVICE_URL}/refunds`, {',
  "    method: 'POST', body: JSON.stringify({ orderId }), headers: { 'content-type': 'application/json', 'x-correlation-id': correlationId },",
  '  });',
  '}',
);

const UNDICI_BARE = lines(
  "import { request } from 'undici';",
  '',
  'export async function refund(orderId: string) {',
  "  await request(`${process.env.PAYMENTS_SERVICE_URL}/refunds`, { method: 'POST', body: JSON.stringify({ orderId }) });",
  '}',
);

/** An injected undici Dispatcher (an Agent) given request options a helper method builds. */
const UNDICI_DISPATCHER = (method: string) => lines(
  "import type { Dispatcher } from 'undici';",
  '',
  'export class RefundClient {',
  '  constructor(private readonly agent: Dispatcher) {}',
  '',
  '  private options(orderId: string) {',
  '    const url = new URL(`${process.env.PAYMENTS_SERVICE_URL}/refunds`);',
  `    return { origin: url.origin, path: url.pathname, ${method}body: JSON.stringify({ orderId }) };`,
  '  }',
  '',
  '  async refund(orderId: string) {',
  '    return this.agent.request(this.options(orderId));',
  '  }',
  '}',
);

const NODE_HTTP_CONSUMER = lines(
  "import http from 'node:http';",
  "import { Kafka } from 'kafkajs';",
  '',
  "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });",
  '',
  'export async function run() {',
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  "      const req = http.request({ hostname: 'payments', path: '/charges', method: 'POST', headers: { 'x-correlation-id': message.headers?.['x-correlation-id']?.toString() } });",
  '      req.end(message.value);',
  '    },',
  '  });',
  '}',
);

const NODE_HTTP_GET = lines(
  "import https from 'node:https';",
  "import { Kafka } from 'kafkajs';",
  '',
  "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'orders' });",
  '',
  'export async function run() {',
  '  await consumer.run({',
  '    eachMessage: async ({ message }) => {',
  '      https.get(`https://payments/charges/${message.key}`, (res) => res.resume());',
  '    },',
  '  });',
  '}',
);

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'got.extend instance with prefixUrl and a correlation header', files: { 'services/orders/src/refund.ts': GOT_INSTANCE, ...PAYMENTS_SERVICE } },
    { name: 'undici request with a correlation header', files: { 'services/orders/src/refund.ts': UNDICI, ...PAYMENTS_SERVICE } },
    { name: 'undici Dispatcher request whose method cannot be read is not taken for a call', files: { 'services/orders/src/refund.ts': UNDICI_DISPATCHER(''), ...PAYMENTS_SERVICE } },
  ],
  invalid: [
    {
      name: 'got.post to the payments service without a correlation header',
      files: { 'services/orders/src/refund.ts': GOT_BARE, ...PAYMENTS_SERVICE },
      errors: [{ messageId: 'missing', file: 'services/orders/src/refund.ts', ...at(GOT_BARE, 'post') }],
    },
    {
      name: 'undici request POST without headers',
      files: { 'services/orders/src/refund.ts': UNDICI_BARE, ...PAYMENTS_SERVICE },
      errors: [{ messageId: 'missing', file: 'services/orders/src/refund.ts', ...at(UNDICI_BARE, 'request(`') }],
    },
    {
      name: 'undici Dispatcher POST with options a helper method returns, without headers',
      files: { 'services/orders/src/refund.ts': UNDICI_DISPATCHER("method: 'POST' as const, "), ...PAYMENTS_SERVICE },
      errors: [{ messageId: 'missing', file: 'services/orders/src/refund.ts', ...at(UNDICI_DISPATCHER(''), 'request(') }],
    },
  ],
});

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'https.get from a handler is a read', files: { 'services/orders/src/consumer.ts': NODE_HTTP_GET, ...PAYMENTS_SERVICE } }],
  invalid: [{
    name: 'node http.request POST from a handler',
    files: { 'services/orders/src/consumer.ts': NODE_HTTP_CONSUMER, ...PAYMENTS_SERVICE },
    errors: [{ messageId: 'unguarded', file: 'services/orders/src/consumer.ts', ...at(NODE_HTTP_CONSUMER, 'eachMessage') }],
  }],
});
