/**
 * dual-write and telemetry channels named by a wrapper's caller: a log line sent to a `logs` queue
 * through `sendMessage(queue, message)` after a write is a data point, not the write's event; the
 * same wrapper called with a business queue is reported. Realtime pushes (a websocket refresh
 * through a queue or an event named for it) are hints to a live UI, not the write's event either,
 * and so are cache refreshes (`emit('refreshCacheKey', ...)`) on a channel named for a cache;
 * nor is a write to a table named as a cache the state an event announces.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const AMQP = lines(
  "import amqp from 'amqplib';",
  '',
  'let channel: amqp.Channel;',
  '',
  'export async function sendMessage(queue: string, message: string) {',
  '  channel ??= await (await amqp.connect(process.env.AMQP_URL!)).createChannel();',
  '  channel.sendToQueue(queue, Buffer.from(message));',
  '}',
);

const profiles = (queue: string) => lines(
  "import { Pool } from 'pg';",
  "import { sendMessage } from './amqp';",
  '',
  'const pool = new Pool();',
  '',
  'export async function createProfile(email: string) {',
  "  await pool.query('INSERT INTO profiles (email) VALUES ($1)', [email]);",
  `  await sendMessage('${queue}', \`\${email} created their profile\`);`,
  '}',
);

/** A generic event publisher over Redis, and a use case that saves roles then publishes an event built by `event`. */
const PUBLISHER = lines(
  "import Redis from 'ioredis';",
  '',
  'export class RedisEventPublisher {',
  '  private readonly redis = new Redis(process.env.REDIS_URL!);',
  '  async publish(event: { type: string; payload: unknown }) {',
  "    await this.redis.publish('domain-events', JSON.stringify(event));",
  '  }',
  '}',
);

/** Another service subscribing to `domain-events`: the publisher's channel is a hop (a Redis channel nobody subscribes to is a signal). */
const DOMAIN_EVENTS_SUBSCRIBER = {
  'services/notify/src/sub.ts': lines("import Redis from 'ioredis';", 'const sub = new Redis();', "sub.subscribe('domain-events');", "sub.on('message', (_channel, message) => console.log(message));"),
};

const roles = (event: string) => lines(
  "import { Pool } from 'pg';",
  "import { RedisEventPublisher } from './publisher';",
  '',
  'const pool = new Pool();',
  '',
  'export class RoleService {',
  '  constructor(private readonly publisher: RedisEventPublisher) {}',
  '  async addRole(userId: string, role: string) {',
  "    await pool.query('INSERT INTO user_roles (user_id, role) VALUES ($1, $2)', [userId, role]);",
  `    const event = this.${event}(userId);`,
  '    await this.publisher.publish(event);',
  '  }',
  `  private ${event}(userId: string) {`,
  "    return { type: 'ROLES_CHANGED', payload: { userId } };",
  '  }',
  '}',
);

/** A BullMQ queue the API hands websocket refreshes to, after marking messages read. */
const WEBSOCKET_QUEUE = lines(
  "import { Queue } from 'bullmq';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool();',
  "const webSocketsQueue = new Queue('web-sockets');",
  '',
  'export async function markRead(userId: string, ids: string[]) {',
  "  await pool.query('UPDATE messages SET read = true WHERE id = ANY($1)', [ids]);",
  "  await webSocketsQueue.add('unread-count-changed', { userId });",
  '}',
);

/** A token kept in a cache table (or a business table), then an e-mail request published. */
const offlineToken = (model: string) => lines(
  "import { PrismaClient } from '@prisma/client';",
  "import { Kafka } from 'kafkajs';",
  '',
  'const prisma = new PrismaClient();',
  "const producer = new Kafka({ brokers: ['kafka:9092'] }).producer();",
  '',
  'export async function createOfflineToken(email: string, token: string) {',
  `  await prisma.${model}.create({ data: { key: email, value: token } });`,
  "  await producer.send({ topic: 'email.requested', messages: [{ key: email, value: token }] });",
  '}',
);

/** A NestJS worker that saves NFT metadata, then asks the API's replicas (another service) to refresh their cached copy on `pattern`. */
const nftMetadata = (pattern: string) => lines(
  "import { Inject, Injectable } from '@nestjs/common';",
  "import { ClientProxy } from '@nestjs/microservices';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  '@Injectable()',
  'export class NftMetadataService {',
  "  constructor(@Inject('PUBSUB_SERVICE') private readonly clientProxy: ClientProxy) {}",
  '  async refreshMetadata(identifier: string, metadata: string) {',
  '    await prisma.nftMetadata.upsert({ where: { identifier }, create: { identifier, metadata }, update: { metadata } });',
  `    this.clientProxy.emit('${pattern}', { key: identifier, ttl: 60 });`,
  '  }',
  '}',
);

/** The API service's listener on `pattern`. */
const cacheListener = (pattern: string) => lines(
  "import { Controller } from '@nestjs/common';",
  "import { EventPattern } from '@nestjs/microservices';",
  '',
  '@Controller()',
  'export class PubSubListenerController {',
  `  @EventPattern('${pattern}')`,
  '  async onMessage(info: { key: string }) {',
  '    console.log(info.key);',
  '  }',
  '}',
);

runRuleTests('dual-write', {
  valid: [
    {
      name: 'a cache refresh emitted to the replicas after the write (refreshCacheKey)',
      files: { 'services/worker/src/nft-metadata.ts': nftMetadata('refreshCacheKey'), 'services/api/src/listener.ts': cacheListener('refreshCacheKey') },
    },
    { name: 'a token kept in a cache table, then a publish', files: { 'services/auth/src/offline-token.ts': offlineToken('cacheEntry') } },
    { name: 'a websocket refresh on a queue named for it, after the write', files: { 'services/api/src/mark-read.ts': WEBSOCKET_QUEUE } },
    {
      name: 'an event built by createWebSocketMessageRequestedEvent, published through a generic publisher',
      files: { 'services/auth/src/publisher.ts': PUBLISHER, 'services/auth/src/roles.ts': roles('createWebSocketMessageRequestedEvent'), ...DOMAIN_EVENTS_SUBSCRIBER },
    },
    { name: 'a log line to the logs queue through the wrapper', files: { 'services/users/src/amqp.ts': AMQP, 'services/users/src/profiles.ts': profiles('logs') } },
    { name: 'a websocket refresh through the wrapper, on the queue its caller names', files: { 'services/users/src/amqp.ts': AMQP, 'services/users/src/profiles.ts': profiles('socket_emit_event') } },
  ],
  invalid: [
    {
      name: 'the same emit on a business pattern: reported',
      files: { 'services/worker/src/nft-metadata.ts': nftMetadata('nftMetadataChanged'), 'services/api/src/listener.ts': cacheListener('nftMetadataChanged') },
      errors: [{ messageId: 'dualWrite', file: 'services/worker/src/nft-metadata.ts', ...at(nftMetadata('nftMetadataChanged'), 'emit(') }],
    },
    {
      name: 'the same token kept in a business table: reported',
      files: { 'services/auth/src/offline-token.ts': offlineToken('offlineSubscriptionToken') },
      errors: [{ messageId: 'dualWrite', ...at(offlineToken('offlineSubscriptionToken'), 'send({ topic') }],
    },
    {
      name: 'the same publisher given a business event: reported',
      files: { 'services/auth/src/publisher.ts': PUBLISHER, 'services/auth/src/roles.ts': roles('createRolesChangedEvent'), ...DOMAIN_EVENTS_SUBSCRIBER },
      errors: [{ messageId: 'dualWrite', file: 'services/auth/src/roles.ts', ...at(roles('createRolesChangedEvent'), 'publish(event)') }],
    },
    {
      name: 'the same wrapper called with a business queue',
      files: { 'services/users/src/amqp.ts': AMQP, 'services/users/src/profiles.ts': profiles('profile.created') },
      errors: [{ messageId: 'dualWrite', file: 'services/users/src/profiles.ts', ...at(profiles('profile.created'), 'sendMessage(') }],
    },
  ],
});
