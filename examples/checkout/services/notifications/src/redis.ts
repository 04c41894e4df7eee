import Redis from 'ioredis';

/** BullMQ workers need maxRetriesPerRequest: null on their connection. */
export function createRedis(): Redis {
  return new Redis(process.env.QUEUE_REDIS_URL ?? 'redis://localhost:6379', {
    maxRetriesPerRequest: null,
  });
}
