/**
 * missing-correlation-id and Sentry: the SDKs from v8 on (`@sentry/nestjs`, `@sentry/aws-serverless`,
 * ...) send `sentry-trace` / `baggage` on outgoing http and fetch calls once `Sentry.init(...)` runs,
 * which carries the trace to the other service. `@sentry/node`, whose v7 did so only with tracing on,
 * counts when its init enables tracing. A Kafka message from a service traced only by Sentry is reported,
 * and the message names Sentry, not OpenTelemetry, as what is set up.
 */
import { runRuleTests } from '../support/ruleTester';
import { PAYMENTS_SERVICE, at, lines } from './libraries/helpers';

const MAIN = (module: string, options: string) => lines(
  `import * as Sentry from '${module}';`,
  '',
  `Sentry.init({ dsn: process.env.SENTRY_DSN${options} });`,
  '',
  "import { refund } from './refund';",
  'export const ready = refund;',
);

const REFUND = lines(
  'export async function refund(orderId: string) {',
  "  await fetch(`${process.env.PAYMENTS_SERVICE_URL}/refunds`, { method: 'POST', body: JSON.stringify({ orderId }) });",
  '}',
);

const files = (module: string, options = '') => ({
  'services/orders/src/main.ts': MAIN(module, options),
  'services/orders/src/refund.ts': REFUND,
  ...PAYMENTS_SERVICE,
});

const NOTIFY = lines(
  "import { Kafka } from 'kafkajs';",
  "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();",
  'export async function notify(orderId: string) {',
  "  await producer.send({ topic: 'orders.refunded', messages: [{ value: orderId }] });",
  '}',
);

const BILLING_CONSUMER = {
  'services/billing/src/consume.ts': lines(
    "import { Kafka } from 'kafkajs';",
    "const consumer = new Kafka({ brokers: ['kafka:9092'] }).consumer({ groupId: 'billing' });",
    "export const start = () => consumer.subscribe({ topic: 'orders.refunded' }).then(() => consumer.run({ eachMessage: async () => undefined }));",
  ),
};

runRuleTests('missing-correlation-id', {
  valid: [
    { name: '@sentry/nestjs initialised in the service', files: files('@sentry/nestjs') },
    { name: '@sentry/node initialised with tracing', files: files('@sentry/node', ', tracesSampleRate: 0.1') },
  ],
  invalid: [{
    name: '@sentry/node initialised without tracing (v7 propagated nothing then)',
    files: files('@sentry/node'),
    errors: [{ messageId: 'missing', file: 'services/orders/src/refund.ts', ...at(REFUND, 'fetch(') }],
  }, {
    name: 'a Kafka message from a service traced by @sentry/node: Sentry is named as what is set up',
    files: { ...files('@sentry/node', ', tracesSampleRate: 0.1'), 'services/orders/src/notify.ts': NOTIFY, ...BILLING_CONSUMER },
    errors: [{ messageId: 'missing', file: 'services/orders/src/notify.ts', ...at(NOTIFY, 'send('), messageIncludes: '(Sentry is set up in this service, but none of its instrumentations covers kafkajs)' }],
  }],
});
