/**
 * Clients kept in a module-level variable that an init function assigns and a getter returns (the
 * usual CommonJS singleton: `let client; async function connect() { client = createClient() }`,
 * `function getClient() { return client }`): calls through the getter are the library's calls.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const REDIS_CONFIG = lines(
  "const redis = require('redis');",
  '',
  'let client;',
  '',
  'async function connectRedis() {',
  '  client = redis.createClient({ url: process.env.REDIS_URL });',
  '  await client.connect();',
  '}',
  '',
  'function getRedisClient() {',
  "  if (!client) throw new Error('Redis not initialized');",
  '  return client;',
  '}',
  '',
  'module.exports = { connectRedis, getRedisClient };',
);

const BOOKING = lines(
  "const { getRedisClient } = require('../config/redisConfig');",
  '',
  'async function lockSeats(userId, eventId, seats) {',
  '  const redis = getRedisClient();',
  '  for (const seat of seats) {',
  '    const key = `seat_lock:${eventId}:${seat}`;',
  '    await redis.set(key, userId, { NX: true, EX: 300 });',
  '  }',
  '}',
  '',
  'module.exports = { lockSeats };',
);

const AMQP_CONFIG = lines(
  "import amqp from 'amqplib';",
  '',
  'let channel: amqp.Channel | undefined;',
  '',
  'export async function connectRabbitMQ() {',
  "  const connection = await amqp.connect('amqp://rabbitmq:5672');",
  '  channel = await connection.createChannel();',
  '}',
  '',
  'export function getChannel() {',
  "  if (!channel) throw new Error('RabbitMQ not initialized');",
  '  return channel;',
  '}',
);

const UNTYPED_AMQP_CONFIG = AMQP_CONFIG.replace('let channel: amqp.Channel | undefined;', 'let channel;');

const CONSUMER = lines(
  "import { Pool } from 'pg';",
  "import { getChannel } from './rabbitmq';",
  '',
  'const pool = new Pool();',
  '',
  'export function consumeSeatBooked() {',
  '  const channel = getChannel();',
  "  channel.consume('seat_booked', async (msg) => {",
  "    if (!msg) return;",
  '    const data = JSON.parse(msg.content.toString());',
  "    await pool.query('INSERT INTO bookings (seat, user_id) VALUES ($1, $2)', [data.seat, data.userId]);",
  '    channel.ack(msg);',
  '  });',
  '}',
);

runRuleTests('unjustified-distributed-lock', {
  valid: [],
  invalid: [
    {
      name: 'SET NX through the getter of a node-redis client assigned in an init function (CommonJS)',
      files: { 'booking-service/config/redisConfig.js': REDIS_CONFIG, 'booking-service/controller/booking.js': BOOKING },
      errors: [{ messageId: 'lock', file: 'booking-service/controller/booking.js', ...at(BOOKING, 'set(key') }],
    },
  ],
});

/** The cached-client idiom: one client kept on globalThis across hot reloads, `cached ?? new Client()`. */
const CACHED_POOL = lines(
  "import { Pool } from 'pg';",
  '',
  'const cache = globalThis as unknown as { pool?: Pool };',
  'export const pool = cache.pool ?? new Pool({ connectionString: process.env.DATABASE_URL });',
  'cache.pool = pool;',
);
const POOLED_CONSUMER = CONSUMER.replace("import { Pool } from 'pg';", "import { pool } from './db';").replace('\nconst pool = new Pool();\n', '\n');

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [
    {
      name: 'a pg pool kept as `cache.pool ?? new Pool()` inserting in an amqplib consumer',
      files: {
        'booking-service/src/rabbitmq.ts': UNTYPED_AMQP_CONFIG,
        'booking-service/src/db.ts': CACHED_POOL,
        'booking-service/src/consumer.ts': POOLED_CONSUMER,
      },
      errors: [{ messageId: 'unguarded', file: 'booking-service/src/consumer.ts', ...at(POOLED_CONSUMER, "consume('seat") }],
    },
    {
      name: 'an amqplib consumer on a channel from a getter, the channel declared with no value and assigned in an init function',
      files: { 'booking-service/src/rabbitmq.ts': UNTYPED_AMQP_CONFIG, 'booking-service/src/consumer.ts': CONSUMER },
      errors: [{ messageId: 'unguarded', file: 'booking-service/src/consumer.ts', ...at(CONSUMER, "consume('seat") }],
    },
  ],
});
