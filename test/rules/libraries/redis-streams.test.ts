/** Redis as a broker: streams (XADD, XREADGROUP loops) and pub/sub (PUBLISH, subscribe listeners). */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const XADD_BARE = lines(
  "import Redis from 'ioredis';",
  '',
  'const redis = new Redis(process.env.REDIS_URL!);',
  '',
  'export async function orderPlaced(orderId: string, total: number) {',
  "  await redis.xadd('orders', '*', 'type', 'OrderPlaced', 'payload', JSON.stringify({ orderId, total }));",
  '}',
);

const XADD_CORRELATED = lines(
  "import Redis from 'ioredis';",
  '',
  'const redis = new Redis(process.env.REDIS_URL!);',
  '',
  'export async function orderPlaced(orderId: string, correlationId: string) {',
  "  await redis.xadd('orders', 'MAXLEN', '~', 10000, '*', 'type', 'OrderPlaced', 'correlationId', correlationId, 'orderId', orderId);",
  '}',
);

const NODE_REDIS_XADD = lines(
  "import { createClient } from 'redis';",
  '',
  'const client = createClient({ url: process.env.REDIS_URL });',
  '',
  'export async function orderPlaced(orderId: string, traceId: string) {',
  "  await client.xAdd('orders', '*', { orderId, traceId });",
  '}',
);

const READ_GROUP = lines(
  "import Redis from 'ioredis';",
  '',
  'const redis = new Redis(process.env.REDIS_URL!);',
  '',
  'export async function consume() {',
  '  for (;;) {',
  "    const batches = await redis.xreadgroup('GROUP', 'billing', 'worker-1', 'COUNT', 10, 'BLOCK', 5000, 'STREAMS', 'orders', '>');",
  '    for (const [, entries] of (batches ?? []) as [string, [string, string[]][]][]) {',
  '      for (const [id, fields] of entries) {',
  "        await redis.incrby(`revenue:${fields[1]}`, Number(fields[3]));",
  "        await redis.xack('orders', 'billing', id);",
  '      }',
  '    }',
  '  }',
  '}',
);

const SUBSCRIBE_GUARDED = lines(
  "import { createClient } from 'redis';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  'const subscriber = createClient({ url: process.env.REDIS_URL });',
  '',
  'export async function start() {',
  "  await subscriber.subscribe('orders', async (raw) => {",
  '    const event = JSON.parse(raw);',
  "    const r = await pool.query('INSERT INTO processed_messages (message_id) VALUES ($1) ON CONFLICT DO NOTHING', [event.messageId]);",
  '    if (!r.rowCount) return;',
  "    await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [event.orderId]);",
  '  });',
  '}',
);

const IOREDIS_ON_MESSAGE = lines(
  "import Redis from 'ioredis';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  'const sub = new Redis(process.env.REDIS_URL!);',
  '',
  'export async function start() {',
  "  await sub.subscribe('orders', (err) => { if (err) console.error(err); });",
  "  sub.on('message', async (channel, message) => {",
  '    await prisma.shipment.create({ data: { orderId: JSON.parse(message).orderId } });',
  '  });',
  '}',
);

const PUBLISH_BARE = lines(
  "import Redis from 'ioredis';",
  '',
  'const pub = new Redis(process.env.REDIS_URL!);',
  '',
  'export async function shipped(orderId: string) {',
  "  await pub.publish('order.shipped', JSON.stringify({ orderId }));",
  '}',
);

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'ioredis XADD with a correlationId field after MAXLEN options', files: { 'services/orders/src/stream.ts': XADD_CORRELATED } },
    { name: 'node-redis xAdd with a traceId field', files: { 'services/orders/src/stream.ts': NODE_REDIS_XADD } },
  ],
  invalid: [
    {
      name: 'ioredis XADD whose fields carry no correlation id',
      files: { 'services/orders/src/stream.ts': XADD_BARE },
      errors: [{ messageId: 'missing', ...at(XADD_BARE, 'xadd') }],
    },
    {
      name: 'PUBLISH of a JSON body without a correlation id',
      // The shipping service subscribes: a Redis channel nobody subscribes to would be a signal, not a hop.
      files: { 'services/orders/src/pub.ts': PUBLISH_BARE, 'services/shipping/src/sub.ts': lines("import Redis from 'ioredis';", 'const sub = new Redis();', "sub.subscribe('order.shipped');", "sub.on('message', (_channel, message) => console.log(message));") },
      errors: [{ messageId: 'missing', file: 'services/orders/src/pub.ts', ...at(PUBLISH_BARE, 'publish(') }],
    },
  ],
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'node-redis subscribe listener guarded by an inbox insert', files: { 'services/shipping/src/sub.ts': SUBSCRIBE_GUARDED } },
    // Redis pub/sub is at most once: a message reaches the connected subscribers once, never again.
    { name: "ioredis on('message') creating a row per message is not redelivered (pub/sub)", files: { 'services/shipping/src/sub.ts': IOREDIS_ON_MESSAGE } },
  ],
  invalid: [
    {
      name: 'XREADGROUP loop increments a counter per entry',
      files: { 'services/billing/src/consumer.ts': READ_GROUP },
      errors: [{ messageId: 'unguarded', ...at(READ_GROUP, 'xreadgroup') }],
    },
  ],
});
