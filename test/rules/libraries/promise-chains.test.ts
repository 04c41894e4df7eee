/**
 * Clients reached through promise chains in JavaScript: a `.then` callback's first parameter is what the
 * promise it is chained on gives (`amqp.connect(url).then((connection) => ...)`, then
 * `connection.createChannel().then((channel) => ...)`), also when the class keeps it in a field
 * (`this.channel = channel`) that another method sends on.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const QUEUE = lines(
  "const amqp = require('amqplib')",
  "const { MongoClient } = require('mongodb')",
  '',
  'const flows = new MongoClient(process.env.MONGO_URL).db(\'flows\').collection(\'runs\')',
  '',
  'class TaskQueue {',
  '  constructor(url, queue) {',
  '    this.url = url',
  '    this.queue = queue',
  '    this.channel = null',
  '  }',
  '  connect() {',
  '    return amqp.connect(this.url).then((connection) => {',
  '      this.connection = connection',
  '      return this.connection.createChannel().then((channel) => {',
  '        this.channel = channel',
  '        channel.consume(this.queue, async (msg) => {',
  '          await flows.insertOne({ task: msg.content.toString(), at: new Date() })',
  '          channel.ack(msg)',
  '        })',
  '      })',
  '    })',
  '  }',
  '  send(data) {',
  '    this.channel.sendToQueue(this.queue, Buffer.from(data), { persistent: true })',
  '  }',
  '}',
  '',
  'module.exports = { TaskQueue }',
);

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [{
    name: 'amqplib through `.then` callbacks: the channel a connection\'s promise gives consumes, and its handler inserts a row per delivery',
    files: { 'services/flows/src/queue.js': QUEUE },
    errors: [{ messageId: 'unguarded', ...at(QUEUE, 'consume('), messageIncludes: 'writes `insertOne into runs`' }],
  }],
});
