/**
 * A queue facade (a module whose `process(name, n, processor)` and `add(name, data)` build the BullMQ
 * queue from the name: `this.getQueue(name)`): each `queue.process('x', ...)` call is a worker on
 * queue "x", each `queue.add('x', ...)` a job for it, linked by the name the callers give. A job
 * whose only worker does nothing (its work switched off: it calls only its callback) is lost
 * without consequence, so dual-write does not report it; a job whose worker writes is reported.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const FACADE = lines(
  "const { Queue, Worker } = require('bullmq');",
  '',
  'class AppQueue {',
  '  constructor() {',
  '    this.queues = new Map();',
  "    this.prefix = process.env.QUEUE_PREFIX || 'main';",
  '  }',
  '',
  '  wrapProcessor(processor) {',
  '    return (job) => new Promise((resolve, reject) => processor(job, (error) => (error ? reject(error) : resolve())));',
  '  }',
  '',
  '  process(name, concurrency, processor) {',
  '    const wrapped = this.wrapProcessor(processor);',
  '    const queue = this.getQueue(name);',
  '    return new Worker(queue.name, wrapped, { concurrency });',
  '  }',
  '',
  '  add(name, workPackage) {',
  '    const queue = this.getQueue(name);',
  '    queue.add(name, workPackage, { attempts: 1 });',
  '  }',
  '',
  '  getQueue(name) {',
  '    if (this.queues.has(name)) return this.queues.get(name);',
  '    const queue = new Queue(`${this.prefix}-${name}`);',
  '    this.queues.set(name, queue);',
  '    return queue;',
  '  }',
  '}',
  '',
  'module.exports = new AppQueue();',
);

/** The similarities worker: its only job type is switched off. */
const SIMILARITIES = lines(
  'function SimilaritiesWorker() {}',
  '',
  'SimilaritiesWorker.prototype.process = function (workPackage, callback) {',
  '  switch (workPackage.type) {',
  "    case 'update-collection':",
  '      // updateCollection(workPackage, callback);',
  '      callback();',
  '      break;',
  '    default:',
  "      callback('Unknown type for workPackage: ' + workPackage.type);",
  '  }',
  '};',
  '',
  'module.exports = new SimilaritiesWorker();',
);

const MAIN = lines(
  "const { Pool } = require('pg');",
  "const queue = require('./queue.cjs');",
  "const similarities = require('./similarities.cjs');",
  '',
  'const pool = new Pool();',
  '',
  "queue.process('process-similarities', 1, function (job, done) {",
  '  similarities.process(job.data, done);',
  '});',
  '',
  "queue.process('process-moderation', 1, function (job, done) {",
  "  pool.query('INSERT INTO moderation_reviews (post_id) VALUES ($1)', [job.data.postId]).then(() => done(), done);",
  '});',
);

const controller = (job: string) => lines(
  "const { Pool } = require('pg');",
  "const queue = require('../workers/queue.cjs');",
  '',
  'const pool = new Pool();',
  '',
  'exports.createPost = async function (req, res) {',
  "  const { rows } = await pool.query('INSERT INTO posts (body) VALUES ($1) RETURNING id', [req.body.text]);",
  `  queue.add('${job}', { type: 'update-collection', postId: rows[0].id });`,
  '  res.send(rows[0]);',
  '};',
);

const files = (job: string) => ({
  'server/package.json': JSON.stringify({ name: 'server', scripts: { start: 'node src/app.cjs' } }),
  'server/src/workers/queue.cjs': FACADE,
  'server/src/workers/similarities.cjs': SIMILARITIES,
  'server/src/workers/main.cjs': MAIN,
  'server/src/controllers/posts.cjs': controller(job),
});

runRuleTests('dual-write', {
  valid: [
    { name: 'a job for a worker whose work is switched off (it only calls back): losing it changes nothing', files: files('process-similarities') },
  ],
  invalid: [
    {
      name: 'a job for a worker that writes, through the same facade: the job for a saved post can be lost',
      files: files('process-moderation'),
      errors: [{ messageId: 'dualWrite', file: 'server/src/controllers/posts.cjs', ...at(controller('process-moderation'), 'add(') }],
    },
  ],
});

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [
    {
      name: 'each facade registration is a worker of its own: the one that inserts is reported at its call',
      files: files('process-moderation'),
      errors: [{ messageId: 'unguarded', file: 'server/src/workers/main.cjs', ...at(MAIN, "process('process-moderation'") }],
    },
  ],
});
