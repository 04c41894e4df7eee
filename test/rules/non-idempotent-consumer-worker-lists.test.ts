/**
 * Handlers registered once per element of a list of worker objects: a subscribe wrapper around
 * `pubsub.subscription(name).on('message', ...)` called in `workers.forEach(...)` (or `for ... of`)
 * with each object's `subscription` and a function calling its `handler`. Each object literal of the
 * list (through imports, default exports and spreads) is one consumer, reported at its
 * `subscription` member, with that object's handler and channel.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const SUBSCRIBE = lines(
  "import { PubSub, type Message } from '@google-cloud/pubsub';",
  '',
  'export const workerSubscribe = (pubsub: PubSub, subscription: string, handler: (message: Message) => Promise<void>): void => {',
  '  const sub = pubsub.subscription(subscription, { flowControl: { maxMessages: 1 } });',
  "  sub.on('message', async (message) => {",
  '    try {',
  '      await handler(message);',
  '      message.ack();',
  '    } catch (err) {',
  '      message.nack();',
  '    }',
  '  });',
  '};',
);

const WORKER_TYPE = lines(
  "import type { Message } from '@google-cloud/pubsub';",
  'export interface Worker {',
  '  subscription: string;',
  '  handler: (message: Message) => Promise<void>;',
  '}',
);

const worker = (subscription: string, body: string) => lines(
  "import { Pool } from 'pg';",
  "import type { Worker } from './worker';",
  '',
  'const pool = new Pool();',
  '',
  'const worker: Worker = {',
  `  subscription: '${subscription}',`,
  '  handler: async (message) => {',
  '    const data = JSON.parse(message.data.toString());',
  `    ${body}`,
  '  },',
  '};',
  '',
  'export default worker;',
);

const INSERT_VIEW = "await pool.query('INSERT INTO views (post_id, user_id) VALUES ($1, $2)', [data.postId, data.userId]);";
const INSERT_COMMENT = "await pool.query('INSERT INTO comment_counts (post_id) VALUES ($1)', [data.postId]);";
const READ_ONLY = "await pool.query('SELECT 1 FROM posts WHERE id = $1', [data.postId]);";

const BACKGROUND = (loop: string) => lines(
  "import { PubSub } from '@google-cloud/pubsub';",
  "import { workerSubscribe } from './subscribe';",
  "import { workers } from './workers';",
  '',
  'const pubsub = new PubSub();',
  loop,
);

const FOR_EACH = 'workers.forEach((worker) => workerSubscribe(pubsub, worker.subscription, (message) => worker.handler(message)));';
const FOR_OF = 'for (const worker of workers) {\n  workerSubscribe(pubsub, worker.subscription, worker.handler);\n}';

const files = (views: string, comments: string, loop = FOR_EACH) => ({
  'src/subscribe.ts': SUBSCRIBE,
  'src/worker.ts': WORKER_TYPE,
  'src/views.ts': worker('add-views', views),
  'src/comments.ts': worker('comment-counts', comments),
  'src/notifications/index.ts': lines("import comments from '../comments';", 'export const notificationWorkers = [comments];'),
  'src/workers.ts': lines(
    "import type { Worker } from './worker';",
    "import views from './views';",
    "import { notificationWorkers } from './notifications';",
    'export const workers: Worker[] = [views, ...notificationWorkers];',
  ),
  'src/background.ts': BACKGROUND(loop),
});

const VIEWS = worker('add-views', INSERT_VIEW);
const COMMENTS = worker('comment-counts', INSERT_COMMENT);

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'each listed worker only reads', files: files(READ_ONLY, READ_ONLY) },
  ],
  invalid: [
    {
      name: 'each listed worker that inserts is reported at its own subscription (forEach, imports, a spread list)',
      files: files(INSERT_VIEW, INSERT_COMMENT),
      errors: [
        { messageId: 'unguarded', file: 'src/comments.ts', ...at(COMMENTS, 'subscription') },
        { messageId: 'unguarded', file: 'src/views.ts', ...at(VIEWS, 'subscription') },
      ],
    },
    {
      name: 'for ... of, the handler passed as the member itself; only the worker that inserts',
      files: files(INSERT_VIEW, READ_ONLY, FOR_OF),
      errors: [{ messageId: 'unguarded', file: 'src/views.ts', ...at(VIEWS, 'subscription') }],
    },
  ],
});
