/**
 * dual-write through a client handed to a class's constructor (facts/parameterTypes.ts): in
 * JavaScript, `constructor(channel) { this.channel = channel; }` takes the type of what every
 * `new Publisher(...)` passes, so `this.channel.publish(...)` is an amqplib publish.
 */
import { runRuleTests } from '../support/ruleTester';

const publisher = `class Publisher {
  constructor(channel, exchange) {
    this.channel = channel;
    this.exchange = exchange;
  }
  publish(event) {
    this.channel.publish(this.exchange, 'orders.created', Buffer.from(JSON.stringify(event)));
  }
}
module.exports = { Publisher };
`;

/** The order flow: the insert (line 9), then the publish through the class (line 10). */
const main = (construct: string) => `const amqp = require('amqplib');
const { Pool } = require('pg');
const { Publisher } = require('./publisher');
const pool = new Pool();
async function main() {
  const conn = await amqp.connect(process.env.AMQP_URL);
  const channel = await conn.createChannel();
  const publisher = ${construct};
  await pool.query('INSERT INTO orders(id) VALUES ($1)', ['1']);
  publisher.publish({ id: '1' });
}
main();
`;

runRuleTests('dual-write', {
  valid: [
    {
      name: 'constructed with something that is not a broker channel: the publish is not recognized',
      files: { 'src/publisher.js': publisher, 'src/main.js': main("new Publisher({ publish() {} }, 'orders')") },
    },
  ],
  invalid: [
    {
      name: 'the channel every construction site passes types the constructor parameter and the field',
      files: { 'src/publisher.js': publisher, 'src/main.js': main("new Publisher(channel, 'orders')") },
      errors: [{ messageId: 'dualWrite', file: 'src/main.js', line: 10, column: 13, messageIncludes: 'publishes (`channel.publish to "orders.created"`)' }],
    },
  ],
});
