/** Google Cloud Pub/Sub: `topic.publishMessage/publish`, `subscription.on('message')`. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const SUBSCRIBER = lines(
  "import { PubSub } from '@google-cloud/pubsub';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  'const pubsub = new PubSub();',
  '',
  'export function start() {',
  "  const subscription = pubsub.subscription('orders-billing');",
  "  subscription.on('message', async (message) => {",
  '    const order = JSON.parse(message.data.toString());',
  '    await prisma.invoice.create({ data: { orderId: order.id, amount: order.total } });',
  '    message.ack();',
  '  });',
  '}',
);

const GUARDED_SUBSCRIBER = lines(
  "import { PubSub, Message } from '@google-cloud/pubsub';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  '',
  'async function onOrder(message: Message) {',
  "  const inserted = await pool.query('INSERT INTO inbox (message_id) VALUES ($1) ON CONFLICT (message_id) DO NOTHING', [message.id]);",
  '  if (inserted.rowCount === 0) return message.ack();',
  "  await pool.query('INSERT INTO invoices (order_id) VALUES ($1)', [JSON.parse(message.data.toString()).id]);",
  '  message.ack();',
  '}',
  '',
  "new PubSub().subscription('orders-billing').on('message', onOrder);",
);

const PUBLISH_BARE = lines(
  "import { PubSub } from '@google-cloud/pubsub';",
  '',
  'const pubsub = new PubSub();',
  '',
  'export async function orderPlaced(order: { id: string; total: number }) {',
  "  await pubsub.topic('orders').publishMessage({ data: Buffer.from(JSON.stringify({ id: order.id, total: order.total })) });",
  '}',
);

const PUBLISH_ATTRIBUTES = lines(
  "import { PubSub } from '@google-cloud/pubsub';",
  '',
  "const topic = new PubSub().topic('orders');",
  '',
  'export async function orderPlaced(order: { id: string }, correlationId: string) {',
  '  await topic.publishMessage({ json: order, attributes: { correlationId, causationId: order.id } });',
  '}',
);

const PUBLISH_OLD_API = lines(
  "import { PubSub } from '@google-cloud/pubsub';",
  '',
  "const topic = new PubSub().topic('orders');",
  '',
  'export async function orderPlaced(orderId: string) {',
  "  await topic.publish(Buffer.from(JSON.stringify({ orderId })), { source: 'orders' });",
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'subscription handler passed by reference, guarded by an inbox insert', files: { 'services/billing/src/subscriber.ts': GUARDED_SUBSCRIBER } }],
  invalid: [{
    name: "subscription.on('message') creates an invoice per delivery",
    files: { 'services/billing/src/subscriber.ts': SUBSCRIBER },
    errors: [{ messageId: 'unguarded', ...at(SUBSCRIBER, "on('message'") }],
  }],
});

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'publishMessage with correlationId in the attributes', files: { 'services/orders/src/publish.ts': PUBLISH_ATTRIBUTES } }],
  invalid: [
    {
      name: 'publishMessage with only a data buffer',
      files: { 'services/orders/src/publish.ts': PUBLISH_BARE },
      errors: [{ messageId: 'missing', ...at(PUBLISH_BARE, 'publishMessage') }],
    },
    {
      name: 'publish(data, attributes) with attributes that carry no correlation id',
      files: { 'services/orders/src/publish.ts': PUBLISH_OLD_API },
      errors: [{ messageId: 'missing', ...at(PUBLISH_OLD_API, 'publish(') }],
    },
  ],
});
