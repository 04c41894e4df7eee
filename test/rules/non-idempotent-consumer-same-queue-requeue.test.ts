/**
 * non-idempotent-consumer and a requeue onto the queue object the handler consumes from: a Bull
 * processor that, on its last attempt, adds the job's own data back to the same queue
 * (`eventQueue.add(job.data)` inside `eventQueue.process(...)`, lisk-service's blockchain indexer)
 * puts the same message back; it is no new publish, whatever the queue's name. A job of other data, or
 * the same data on another queue object, is still a publish the redelivery repeats.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const FILE = 'services/indexer/shared/messageProcessor.js';
const PROCESSOR = (send: string) => lines(
  "const MessageQueue = require('bull')",
  '',
  'const eventQueue = new MessageQueue(process.env.EVENT_QUEUE, process.env.REDIS_URL)',
  'const otherQueue = new MessageQueue(process.env.OTHER_QUEUE, process.env.REDIS_URL)',
  '',
  'eventQueue.process(async (job) => {',
  '  try {',
  '    await deleteBlock(job.data.header)',
  '  } catch (err) {',
  `    if (job.attemptsMade === job.opts.attempts - 1) await ${send}`,
  '  }',
  '})',
  '',
  'async function deleteBlock (header) {',
  '  console.log(header)',
  '}',
);

const SAME = PROCESSOR('eventQueue.add(job.data)');
const OTHER_QUEUE = PROCESSOR('otherQueue.add({ height: job.data.header.height })');

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: "the job's own data added back to the queue it is consumed from, from a catch", files: { [FILE]: SAME } }],
  invalid: [{ name: 'new data sent to another queue from the same catch', files: { [FILE]: OTHER_QUEUE }, errors: [{ messageId: 'unguarded', file: FILE, ...at(OTHER_QUEUE, 'process(') }] }],
});
