/**
 * dual-write: a channel the service keeps for its own counters. When every consumer of a publish is
 * in the publishing service (exchange bindings followed) and those consumers only write cache or
 * counter entries (Redis INCRBYFLOAT, HINCRBY, EXPIRE...), losing the message undercounts a
 * dashboard, not a business change: not reported. The consumer's handlers are followed through the
 * callback registry it runs (`subscribe(fn)` filling `this.handlers`). An own channel with a
 * business consumer, a consumer in another service, or a registry holding a function the code does
 * not show keeps the finding.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** The orders service's event bus: its own queue bound to its exchange; the consumer runs every subscribed handler. */
const EVENT_BUS = (run: 'for-of' | 'forEach') => lines(
  "import * as amqp from 'amqplib';",
  'export type DomainEvent = { routingKey: string; payload: Record<string, unknown> };',
  'export class EventBus {',
  "  private readonly exchangeName = process.env.RABBITMQ_EXCHANGE || 'shop.domain.events';",
  "  private readonly queueName = process.env.RABBITMQ_QUEUE || 'orders.domain.events';",
  '  private channel: amqp.Channel | null = null;',
  '  private readonly handlers = new Set<(event: DomainEvent) => Promise<void> | void>();',
  '  async start() {',
  '    const connection = await amqp.connect(process.env.RABBITMQ_URL!);',
  '    this.channel = await connection.createChannel();',
  "    await this.channel.assertExchange(this.exchangeName, 'topic', { durable: true });",
  '    const asserted = await this.channel.assertQueue(this.queueName, { durable: true });',
  "    await this.channel.bindQueue(asserted.queue, this.exchangeName, 'order.*');",
  '    await this.channel.consume(asserted.queue, async (message) => {',
  '      if (!message) return;',
  '      const event = JSON.parse(message.content.toString()) as DomainEvent;',
  run === 'for-of'
    ? '      for (const handler of this.handlers) await handler(event);'
    : '      this.handlers.forEach((handler) => handler(event));',
  '      this.channel?.ack(message);',
  '    });',
  '  }',
  '  subscribe(handler: (event: DomainEvent) => Promise<void> | void) {',
  '    this.handlers.add(handler);',
  '  }',
  '  async publish(routingKey: string, payload: Record<string, unknown>) {',
  '    if (!this.channel) return false;',
  '    return this.channel.publish(this.exchangeName, routingKey, Buffer.from(JSON.stringify(payload)));',
  '  }',
  '}',
);

/** A dashboard that counts events in Redis, subscribed to the bus. */
const COUNTERS = lines(
  "import Redis from 'ioredis';",
  "import { EventBus, type DomainEvent } from './event-bus';",
  'export class Counters {',
  '  private readonly redis = new Redis();',
  '  constructor(private readonly bus: EventBus) {}',
  '  init() {',
  '    this.bus.subscribe((event) => this.count(event));',
  '  }',
  '  private async count(event: DomainEvent) {',
  '    const key = `dashboard:${event.routingKey}`;',
  '    await this.redis.incrbyfloat(key, Number(event.payload.total ?? 0));',
  '    await this.redis.hincrby(`${key}:by-hour`, String(new Date().getHours()), 1);',
  '    await this.redis.expire(key, 86400);',
  '  }',
  '}',
);

const ORDERS = lines(
  "import { Pool } from 'pg';", //                                                        1
  "import { EventBus } from './event-bus';", //                                           2
  'const pool = new Pool();', //                                                          3
  'export class Orders {', //                                                             4
  '  constructor(private readonly bus: EventBus) {}', //                                  5
  '  async place(orderId: string, total: number) {', //                                   6
  "    await pool.query('INSERT INTO orders (id, total) VALUES ($1, $2)', [orderId, total]);", // 7
  "    await this.bus.publish('order.created', { orderId, total });", //                 8
  '  }', //                                                                               9
  '}', //                                                                                10
);

/** A second subscriber that does business work with the event: a ledger row. */
const LEDGER = lines(
  "import { Pool } from 'pg';",
  "import { EventBus, type DomainEvent } from './event-bus';",
  'const pool = new Pool();',
  'export function registerLedger(bus: EventBus) {',
  '  bus.subscribe(async (event) => {',
  "    await pool.query('INSERT INTO ledger (order_id) VALUES ($1)', [event.payload.orderId]);",
  '  });',
  '}',
);

/** Another service binding its own queue to the same exchange. */
const BILLING = lines(
  "import amqp from 'amqplib';",
  'export async function start() {',
  '  const connection = await amqp.connect(process.env.RABBITMQ_URL!);',
  '  const channel = await connection.createChannel();',
  "  const { queue } = await channel.assertQueue('billing.orders');",
  "  await channel.bindQueue(queue, 'shop.domain.events', 'order.*');",
  '  await channel.consume(queue, async (message) => console.log(message));',
  '}',
);

const own = (extra: Record<string, string> = {}, run: 'for-of' | 'forEach' = 'for-of') => ({
  'services/orders/src/event-bus.ts': EVENT_BUS(run),
  'services/orders/src/orders.ts': ORDERS,
  'services/orders/src/counters.ts': COUNTERS,
  ...extra,
});

runRuleTests('dual-write', {
  valid: [
    {
      name: 'own exchange whose only consumer runs subscribed handlers that only count in Redis (for-of over the registry)',
      files: own(),
    },
    {
      name: 'the same with the registry run by forEach',
      files: own({}, 'forEach'),
    },
  ],
  invalid: [
    {
      name: 'own exchange, but a second subscribed handler writes a ledger row: reported',
      files: own({ 'services/orders/src/ledger.ts': LEDGER }),
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.ts', line: 8, column: 20 }],
    },
    {
      name: 'a queue of another service is bound to the exchange: reported',
      files: own({ 'services/billing/src/consumer.ts': BILLING }),
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.ts', line: 8, column: 20 }],
    },
    {
      name: 'a subscribed handler the code does not show (returned by a factory of another package): reported',
      files: own({
        'services/orders/src/plugins.ts': lines(
          "import { EventBus } from './event-bus';",
          "import { makeHandler } from 'some-plugin';",
          'export function registerPlugins(bus: EventBus) {',
          '  bus.subscribe(makeHandler());',
          '}',
        ),
      }),
      errors: [{ messageId: 'dualWrite', file: 'services/orders/src/orders.ts', line: 8, column: 20 }],
    },
  ],
});
