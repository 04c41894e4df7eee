/**
 * Calls into JavaScript members assigned a function: `Worker.prototype.process = function`, a
 * module exporting `new Worker()`, and `exports.save = ...`. A consumer that calls such a member
 * runs its body, so an insert there is the consumer's effect.
 */
import { runRuleTests } from '../support/ruleTester';

/** The activity worker (CommonJS): a constructor function with a prototype method, exported as an instance. */
const worker = (body: string) => `const { Pool } = require('pg');
const pool = new Pool();

function ActivityWorker() {}

ActivityWorker.prototype.process = function (workPackage, callback) {
${body}
};

module.exports = new ActivityWorker();
`;

const INSERT = "  pool.query('INSERT INTO endorsements (post_id) VALUES ($1)', [workPackage.postId]).then(() => callback(), callback);";

const MAIN = `const { Worker } = require('bullmq');
const activity = require('./activity.cjs');
const repo = require('./repo.cjs');

new Worker('process-activity', (job) => new Promise((resolve, reject) => {
  activity.process(job.data, (err) => (err ? reject(err) : resolve()));
}));

new Worker('record-view', async (job) => {
  await repo.recordView(job.data.postId);
});
`;

const REPO = (body: string) => `const { Pool } = require('pg');
const pool = new Pool();

exports.recordView = async function (postId) {
${body}
};
`;

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'the prototype method and the exported function only call back / read',
      files: {
        'server/workers/main.cjs': MAIN,
        'server/workers/activity.cjs': worker('  callback();'),
        'server/workers/repo.cjs': REPO("  await pool.query('SELECT 1 FROM views WHERE post_id = $1', [postId]);"),
      },
    },
  ],
  invalid: [
    {
      name: 'an insert in a prototype method and in an assigned export, reached from two BullMQ workers',
      files: {
        'server/workers/main.cjs': MAIN,
        'server/workers/activity.cjs': worker(INSERT),
        'server/workers/repo.cjs': REPO("  await pool.query('INSERT INTO views (post_id) VALUES ($1)', [postId]);"),
      },
      errors: [
        { messageId: 'unguarded', file: 'server/workers/main.cjs', line: 5, column: 5 },
        { messageId: 'unguarded', file: 'server/workers/main.cjs', line: 9, column: 5 },
      ],
    },
  ],
});
