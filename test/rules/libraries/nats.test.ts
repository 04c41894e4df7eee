/**
 * NATS (`nats` core and JetStream) and `node-nats-streaming`, including the
 * Listener/Publisher base classes from a shared package that projects extend
 * (`new OrderCreatedPublisher(stan).publish(data)`, `onMessage(data, msg)`).
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const CORE_CONSUMER = lines(
  "import { connect, StringCodec } from 'nats';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  'const sc = StringCodec();',
  '',
  'export async function start() {',
  "  const nc = await connect({ servers: process.env.NATS_URL });",
  "  nc.subscribe('orders.placed', {",
  '    callback: async (err, msg) => {',
  '      const order = JSON.parse(sc.decode(msg.data));',
  "      await pool.query('INSERT INTO invoices (order_id, amount) VALUES ($1, $2)', [order.id, order.total]);",
  '    },',
  '  });',
  '}',
);

const ITERATED_CONSUMER = lines(
  "import { connect, JSONCodec } from 'nats';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  'const jc = JSONCodec<{ id: string; messageId: string }>();',
  '',
  'export async function start() {',
  "  const nc = await connect({ servers: process.env.NATS_URL });",
  "  const sub = nc.subscribe('payments.captured');",
  '  for await (const m of sub) {',
  '    const event = jc.decode(m.data);',
  "    const seen = await pool.query('INSERT INTO processed_messages (message_id) VALUES ($1) ON CONFLICT (message_id) DO NOTHING', [event.messageId]);",
  '    if (seen.rowCount === 0) continue;',
  "    await pool.query('INSERT INTO ledger (payment_id) VALUES ($1)', [event.id]);",
  '  }',
  '}',
);

const STAN_WRAPPER = lines(
  "import nats, { Stan } from 'node-nats-streaming';",
  '',
  'class NatsWrapper {',
  '  private _client?: Stan;',
  '  get client(): Stan {',
  "    if (!this._client) throw new Error('not connected');",
  '    return this._client;',
  '  }',
  '  connect(cluster: string, id: string, url: string) {',
  '    this._client = nats.connect(cluster, id, { url });',
  '  }',
  '}',
  '',
  'export const natsWrapper = new NatsWrapper();',
);

const STAN_MODEL = lines(
  "import mongoose from 'mongoose';",
  '',
  "const Order = mongoose.model('Order', new mongoose.Schema({ status: String, userId: String }));",
  'export { Order };',
);

const STAN_PUBLISHER = lines(
  "import { Publisher, Subjects, OrderCreatedEvent } from '@acme/ticketing-common';",
  '',
  'export class OrderCreatedPublisher extends Publisher<OrderCreatedEvent> {',
  '  readonly subject = Subjects.OrderCreated;',
  '}',
);

const STAN_ROUTE = lines(
  "import { Order } from '../models/order';",
  "import { natsWrapper } from '../nats-wrapper';",
  "import { OrderCreatedPublisher } from '../events/order-created-publisher';",
  '',
  'export async function createOrder(userId: string) {',
  "  const order = new Order({ userId, status: 'created' });",
  '  await order.save();',
  '  await new OrderCreatedPublisher(natsWrapper.client).publish({ id: order.id, userId });',
  '  return order;',
  '}',
);

const STAN_LISTENER = lines(
  "import { Listener, Subjects, TicketUpdatedEvent } from '@acme/ticketing-common';",
  "import { Message } from 'node-nats-streaming';",
  "import { Order } from '../models/order';",
  "import { OrderCreatedPublisher } from './order-created-publisher';",
  '',
  'export class TicketUpdatedListener extends Listener<TicketUpdatedEvent> {',
  '  readonly subject = Subjects.TicketUpdated;',
  "  queueGroupName = 'orders-service';",
  '  async onMessage(data: TicketUpdatedEvent["data"], msg: Message) {',
  '    const order = await Order.findById(data.orderId);',
  '    if (!order) throw new Error("not found");',
  "    order.set({ status: 'updated' });",
  '    await order.save();',
  '    await new OrderCreatedPublisher(this.client).publish({ id: order.id, userId: order.userId });',
  '    msg.ack();',
  '  }',
  '}',
);

const STAN_MAIN = lines(
  "import { natsWrapper } from './nats-wrapper';",
  "import { TicketUpdatedListener } from './events/ticket-updated-listener';",
  '',
  'export async function main() {',
  "  natsWrapper.connect('ticketing', 'orders', process.env.NATS_URL!);",
  '  new TicketUpdatedListener(natsWrapper.client).listen();',
  '}',
);

const STAN_GUARDED_LISTENER = lines(
  "import { Listener, Subjects, TicketUpdatedEvent } from '@acme/ticketing-common';",
  "import { Message } from 'node-nats-streaming';",
  "import { Order } from '../models/order';",
  '',
  'export class TicketUpdatedListener extends Listener<TicketUpdatedEvent> {',
  '  readonly subject = Subjects.TicketUpdated;',
  "  queueGroupName = 'orders-service';",
  '  async onMessage(data: TicketUpdatedEvent["data"], msg: Message) {',
  '    // version-conditional: a replayed event finds no document at version - 1',
  '    const order = await Order.findOne({ _id: data.id, version: data.version - 1 });',
  '    if (!order) throw new Error("not found");',
  "    order.set({ status: 'updated' });",
  '    await order.save();',
  '    msg.ack();',
  '  }',
  '}',
);

const stanFiles = (listener: string) => ({
  'orders/src/nats-wrapper.ts': STAN_WRAPPER,
  'orders/src/models/order.ts': STAN_MODEL,
  'orders/src/events/order-created-publisher.ts': STAN_PUBLISHER,
  'orders/src/events/ticket-updated-listener.ts': listener,
  'orders/src/main.ts': STAN_MAIN,
  'orders/package.json': '{ "name": "orders" }\n',
});

const JETSTREAM_PUBLISH = lines(
  "import { connect, headers, JSONCodec } from 'nats';",
  '',
  'const jc = JSONCodec();',
  '',
  'export async function publishOrder(order: { id: string }, correlationId: string) {',
  '  const nc = await connect({ servers: process.env.NATS_URL });',
  '  const js = nc.jetstream();',
  '  const h = headers();',
  "  h.set('x-correlation-id', correlationId);",
  "  await js.publish('orders.created', jc.encode(order), { headers: h, msgID: order.id });",
  '}',
);

const CORE_PUBLISH_BARE = lines(
  "import { connect, StringCodec } from 'nats';",
  '',
  'const sc = StringCodec();',
  '',
  'export async function publishShipped(orderId: string) {',
  '  const nc = await connect({ servers: process.env.NATS_URL });',
  "  nc.publish('orders.shipped', sc.encode(JSON.stringify({ orderId, shippedAt: Date.now() })));",
  '}',
);

/** The same service publishes a core subject and subscribes to it, the handler assigned to `sub.callback`. */
const CORE_OWN_SUBJECT = {
  'services/calls/src/envs.ts': lines("export const TRACK_CALL_SUBJECT = 'calls.track';"),
  'services/calls/src/publish.ts': lines(
    "import { connect, StringCodec } from 'nats';",
    "import { TRACK_CALL_SUBJECT } from './envs';",
    '',
    'const sc = StringCodec();',
    '',
    'export async function trackCall(ref: string) {',
    '  const nc = await connect({ servers: process.env.NATS_URL });',
    '  nc.publish(TRACK_CALL_SUBJECT, sc.encode(JSON.stringify({ ref })));',
    '}',
  ),
  'services/calls/src/track.ts': lines(
    "import { connect, StringCodec } from 'nats';",
    "import { TRACK_CALL_SUBJECT } from './envs';",
    '',
    'const sc = StringCodec();',
    'const active = new Map<string, string>();',
    '',
    'export async function startTracking() {',
    '  const nc = await connect({ servers: process.env.NATS_URL });',
    '  const sub = nc.subscribe(TRACK_CALL_SUBJECT);',
    '  sub.callback = (err, msg) => {',
    '    const { ref } = JSON.parse(sc.decode(msg.data));',
    "    active.set(ref, 'tracked');",
    '  };',
    '}',
  ),
};

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'nats: async-iterated subscription deduplicated through a processed_messages insert', files: { 'services/ledger/src/consumer.ts': ITERATED_CONSUMER } },
    { name: 'node-nats-streaming: Listener subclass applies the event only at version - 1', files: stanFiles(STAN_GUARDED_LISTENER) },
    // NATS core is at most once: no persistence, no ack, nothing redelivers the message.
    { name: 'nats: a core subscription callback that inserts an invoice per message is not redelivered', files: { 'services/billing/src/consumer.ts': CORE_CONSUMER } },
  ],
  invalid: [
    {
      name: 'node-nats-streaming: Listener.onMessage republishes through a Publisher subclass on every redelivery',
      files: stanFiles(STAN_LISTENER),
      errors: [{ messageId: 'unguarded', file: 'orders/src/events/ticket-updated-listener.ts', ...at(STAN_LISTENER, 'onMessage') }],
    },
  ],
});

/** A request/reply responder: it reads a row and answers on the reply subject the request carried. */
const CORE_RESPONDER = lines(
  "import { connect, JSONCodec } from 'nats';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  'const jc = JSONCodec<{ id: string }>();',
  '',
  'export async function start() {',
  "  const nc = await connect({ servers: process.env.NATS_URL });",
  "  nc.subscribe('orders.get', {",
  '    callback: async (err, m) => {',
  "      await pool.query('UPDATE orders SET read_at = now() WHERE id = $1', [jc.decode(m.data).id]);",
  '      nc.publish(m.reply!, jc.encode({ ok: true }));',
  '    },',
  '  });',
  '}',
);

runRuleTests('missing-correlation-id', {
  valid: [
    // The requester waits on the reply subject its request carried: the answer is the same hop.
    { name: 'nats: a responder answering on the request\'s reply subject', files: { 'services/orders/src/responder.ts': CORE_RESPONDER } },
    { name: 'nats JetStream: correlation id in the NATS headers', files: { 'services/orders/src/publish.ts': JETSTREAM_PUBLISH } },
    // The subscription's handler is assigned after the call (`sub.callback = …`): the subject is the service's own.
    { name: 'nats: a core subject the same service subscribes to through sub.callback', files: CORE_OWN_SUBJECT },
  ],
  invalid: [
    {
      name: 'nats: core publish of an encoded JSON body without a correlation id',
      files: { 'services/orders/src/publish.ts': CORE_PUBLISH_BARE },
      errors: [{ messageId: 'missing', ...at(CORE_PUBLISH_BARE, 'publish(') }],
    },
    {
      name: 'node-nats-streaming: a Publisher subclass built around the client publishes a payload without one',
      files: { ...stanFiles(STAN_GUARDED_LISTENER), 'orders/src/routes/create.ts': STAN_ROUTE },
      errors: [{ messageId: 'missing', file: 'orders/src/routes/create.ts', ...at(STAN_ROUTE, 'publish(') }],
    },
  ],
});

runRuleTests('dual-write', {
  valid: [
    { name: 'nats: a write, then the reply to the requester (not an event others subscribe to)', files: { 'services/orders/src/responder.ts': CORE_RESPONDER } },
    { name: 'node-nats-streaming: a handler that only saves', files: stanFiles(STAN_GUARDED_LISTENER) },
  ],
  invalid: [
    {
      name: 'node-nats-streaming: order.save() then a Publisher subclass publish',
      files: { ...stanFiles(STAN_GUARDED_LISTENER), 'orders/src/routes/create.ts': STAN_ROUTE },
      errors: [{ messageId: 'dualWrite', file: 'orders/src/routes/create.ts', ...at(STAN_ROUTE, 'publish(') }],
    },
  ],
});
