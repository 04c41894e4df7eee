/**
 * Realtime pushes (libraries/realtimePush.ts): a message that asks a relay to refresh open
 * websocket connections ends at a browser. missing-correlation-id does not ask it for an id, and
 * non-idempotent-consumer does not count a repeated push as a repeated effect; a business channel
 * or a write beside the push still counts. (dual-write's side is in dual-write-telemetry.test.ts.)
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

/** A BullMQ booking worker that pushes the seat's state to the websocket relay, and may also write (line 10). */
const worker = (channel: string, write = '') => lines(
  "import { Worker } from 'bullmq';",
  "import Redis from 'ioredis';",
  "import { Pool } from 'pg';",
  '',
  'const redis = new Redis(process.env.REDIS_URL!);',
  'const pool = new Pool();',
  '',
  "export const bookingWorker = new Worker('booking', async (job) => {",
  `  await redis.publish('${channel}', JSON.stringify({ seatId: job.data.seatId, type: 'locked' }));`,
  write,
  '});',
);

/** The websocket relay: another service that forwards every message to the open connections. */
const RELAY = lines(
  "import Redis from 'ioredis';",
  "import { WebSocketServer } from 'ws';",
  '',
  'const wss = new WebSocketServer({ port: 8080 });',
  'const sub = new Redis(process.env.REDIS_URL!);',
  "sub.subscribe('SeatUpdateRealtime');",
  "sub.on('message', (_channel, message) => wss.clients.forEach((c) => c.send(message)));",
);

const INSERT = "  await pool.query('INSERT INTO bookings (seat_id, user_id) VALUES ($1, $2)', [job.data.seatId, job.data.userId]);";

runRuleTests('missing-correlation-id', {
  valid: [
    {
      name: 'a push to the realtime relay carries no id, and needs none',
      files: { 'apps/queue/src/worker.ts': worker('SeatUpdateRealtime'), 'apps/websocket/src/server.ts': RELAY },
    },
  ],
  invalid: [
    {
      name: 'the same publish on a business channel needs one',
      // The booking service listens on it (a Redis channel nobody subscribes to would be a signal, not a hop).
      files: {
        'apps/queue/src/worker.ts': worker('seat.locked'), 'apps/websocket/src/server.ts': RELAY,
        'apps/booking/src/seats.ts': lines("import Redis from 'ioredis';", 'const sub = new Redis();', "sub.subscribe('seat.locked');", "sub.on('message', (_channel, message) => console.log(message));"),
      },
      errors: [{ messageId: 'missing', file: 'apps/queue/src/worker.ts', ...at(worker('seat.locked'), "publish('seat") }],
    },
  ],
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'a worker whose only effect is a realtime push: a repeat refreshes the seat again',
      files: { 'apps/queue/src/worker.ts': worker('SeatUpdateRealtime'), 'apps/websocket/src/server.ts': RELAY },
    },
  ],
  invalid: [
    {
      name: 'a worker that also inserts a booking: the insert is the repeated effect',
      files: { 'apps/queue/src/worker.ts': worker('SeatUpdateRealtime', INSERT), 'apps/websocket/src/server.ts': RELAY },
      errors: [{ messageId: 'unguarded', file: 'apps/queue/src/worker.ts', ...at(worker('SeatUpdateRealtime', INSERT), "Worker('booking"), messageIncludes: 'INSERT INTO bookings' }],
    },
  ],
});
