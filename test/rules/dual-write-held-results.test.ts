/**
 * dual-write through the result of a workspace function held in a variable first: `const connection =
 * await connect(); const { channel } = connection` and `connection.channel.sendToQueue(...)` are the channel
 * the function returns (declared by a workspace interface, or built in the object it returns), as
 * `const { channel } = await connect()` is.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const CONNECT = lines(
  "import * as amqp from 'amqplib';",
  '',
  'export interface ChannelHandle {',
  '  connection: amqp.Connection;',
  '  channel: amqp.Channel;',
  '}',
  '',
  'export async function connect(): Promise<ChannelHandle> {',
  '  const connection = await amqp.connect(process.env.AMQP_URL!);',
  '  const channel = await connection.createChannel();',
  '  return { connection, channel };',
  '}',
);

const DESTRUCTURED = lines(
  "import { Pool } from 'pg';",
  "import { connect } from './connect';",
  '',
  'const pool = new Pool();',
  '',
  'export async function placeOrder(id: string) {',
  "  await pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);",
  '  const handle = await connect();',
  '  const { channel } = handle;',
  "  channel.sendToQueue('orders.placed', Buffer.from(id));",
  '}',
);

const MEMBER = lines(
  "import { Pool } from 'pg';",
  "import { connect } from './connect';",
  '',
  'const pool = new Pool();',
  '',
  'export async function cancelOrder(id: string) {',
  "  await pool.query('UPDATE orders SET cancelled = true WHERE id = $1', [id]);",
  '  const handle = await connect();',
  "  handle.channel.sendToQueue('orders.cancelled', Buffer.from(id));",
  '}',
);

runRuleTests('dual-write', {
  valid: [],
  invalid: [{
    name: 'the channel destructured from a variable that holds what connect() returned',
    files: { 'services/orders/src/connect.ts': CONNECT, 'services/orders/src/place.ts': DESTRUCTURED },
    errors: [{ messageId: 'dualWrite', file: 'services/orders/src/place.ts', ...at(DESTRUCTURED, 'sendToQueue') }],
  }, {
    name: 'the channel read as a member of that variable',
    files: { 'services/orders/src/connect.ts': CONNECT, 'services/orders/src/cancel.ts': MEMBER },
    errors: [{ messageId: 'dualWrite', file: 'services/orders/src/cancel.ts', ...at(MEMBER, 'sendToQueue') }],
  }],
});
