/**
 * missing-correlation-id: RabbitMQ exchange-to-queue bindings. A publish to an exchange reaches the
 * consumers of every queue bound to it whose binding matches the routing key (topic `*`/`#`, direct,
 * fanout); when every such consumer is in the publishing service, the message is the service's own
 * and not a hop to another service.
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A service's event bus: a topic exchange from an env var with a literal default, its own queue bound to it, a publish wrapper. */
const EVENT_BUS = (bindings: string[]) => lines(
  "import * as amqp from 'amqplib';", //                                                              1
  'export class EventBus {', //                                                                        2
  "  private readonly exchangeName = process.env.RABBITMQ_EXCHANGE || 'shop.domain.events';", //       3
  "  private readonly queueName = process.env.RABBITMQ_QUEUE || 'orders.domain.events';", //           4
  '  private channel: amqp.Channel | null = null;', //                                                 5
  '  async start() {', //                                                                               6
  '    const connection = await amqp.connect(process.env.RABBITMQ_URL!);', //                          7
  '    this.channel = await connection.createChannel();', //                                            8
  "    await this.channel.assertExchange(this.exchangeName, 'topic', { durable: true });", //          9
  '    const asserted = await this.channel.assertQueue(this.queueName, { durable: true });', //        10
  ...bindings.map((p) => `    await this.channel.bindQueue(asserted.queue, this.exchangeName, '${p}');`),
  '    await this.channel.consume(asserted.queue, async (message) => {',
  '      if (message) console.log(message.content.toString());',
  '    });',
  '  }',
  '  async publish(routingKey: string, payload: Record<string, unknown>) {',
  '    if (!this.channel) return false;',
  '    return this.channel.publish(this.exchangeName, routingKey, Buffer.from(JSON.stringify(payload)));',
  '  }',
  '}',
);

const ORDERS_CALLER = lines(
  "import { EventBus } from './event-bus';", //                                1
  'export class Orders {', //                                                 2
  '  constructor(private readonly bus: EventBus) {}', //                     3
  '  async place(orderId: string) {', //                                      4
  "    await this.bus.publish('order.created', { orderId });", //            5
  '  }', //                                                                   6
  '}', //                                                                     7
);

/** Another service binding its own queue to an exchange by name and consuming it. */
const BILLING_CONSUMER = (exchange: string, pattern: string) => lines(
  "import amqp from 'amqplib';", //                                                        1
  'export async function start() {', //                                                    2
  '  const connection = await amqp.connect(process.env.RABBITMQ_URL!);', //               3
  '  const channel = await connection.createChannel();', //                               4
  "  const { queue } = await channel.assertQueue('billing.orders');", //                  5
  `  await channel.bindQueue(queue, '${exchange}', '${pattern}');`, //                    6
  '  await channel.consume(queue, async (message) => console.log(message));', //          7
  '}', //                                                                                 8
);

/** golevelup: a subscription that binds its queue to exchange `orders` with a topic pattern, in the service `service`. */
const GOLEVELUP_LISTENER = (pattern: string) => lines(
  "import { Injectable } from '@nestjs/common';",
  "import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';",
  '@Injectable()',
  'export class Listener {',
  `  @RabbitSubscribe({ exchange: 'orders', routingKey: '${pattern}', queue: 'own.orders' })`,
  '  async onOrder(event: { orderId: string }) { console.log(event.orderId); }',
  '}',
);

const GOLEVELUP_PUBLISHER = lines(
  "import { Injectable } from '@nestjs/common';", //                                  1
  "import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';", //                 2
  '@Injectable()', //                                                                 3
  'export class OrderEvents {', //                                                   4
  '  constructor(private readonly amqp: AmqpConnection) {}', //                      5
  '  async created(orderId: string) {', //                                           6
  "    await this.amqp.publish('orders', 'order.created', { orderId });", //         7
  '  }', //                                                                          8
  '}', //                                                                            9
);

/** A per-chain job queue class: a direct exchange, a publish keyed by chain, and a queue (`bound`) bound to it; the consumer reads `consumed`. */
const CHAIN_QUEUE = (bound: string, consumed = bound) => lines(
  "import amqp, { Channel, ConsumeMessage } from 'amqplib';", //                                                        1
  'export class JobQueue {', //                                                                                        2
  '  private channel!: Channel;', //                                                                                   3
  "  private exchangeName = 'jobs_exchange';", //                                                                      4
  '  constructor(private readonly chainId: number) {}', //                                                             5
  '  async connect() {', //                                                                                            6
  '    const connection = await amqp.connect(process.env.QUEUE_URL!);', //                                            7
  '    this.channel = await connection.createChannel();', //                                                          8
  "    await this.channel.assertExchange(this.exchangeName, 'direct', { durable: true });", //                        9
  '  }', //                                                                                                            10
  '  async publish(data: { transactionId: string }) {', //                                                          11
  '    this.channel.publish(this.exchangeName, `chain.${this.chainId}`, Buffer.from(JSON.stringify(data)));', //     12
  '  }', //                                                                                                           13
  '  async consume(onMessage: (msg: ConsumeMessage | null) => void) {', //                                         14
  `    const queue = await this.channel.assertQueue(${bound});`, //                                                  15
  '    await this.channel.bindQueue(queue.queue, this.exchangeName, `chain.${this.chainId}`);', //                   16
  `    const other = await this.channel.assertQueue(${consumed});`,
  '    await this.channel.consume(other.queue, onMessage);',
  '  }',
  '}',
);

runRuleTests('missing-correlation-id', {
  valid: [
    {
      name: 'a publish to an exchange whose only bound queue is the publishing service\'s own (topic pattern, env var with a literal default)',
      files: {
        'services/orders/src/event-bus.ts': EVENT_BUS(['order.*', 'payment.*']),
        'services/orders/src/orders.ts': ORDERS_CALLER,
      },
    },
    {
      name: 'a fanout exchange bound to a server-named queue of the same service: any routing key reaches it',
      files: {
        'services/feed/src/feed.ts': lines(
          "import amqp from 'amqplib';",
          'export async function start() {',
          '  const connection = await amqp.connect(process.env.RABBITMQ_URL!);',
          '  const channel = await connection.createChannel();',
          "  await channel.assertExchange('feed.updates', 'fanout');",
          "  const q = await channel.assertQueue('', { exclusive: true });",
          "  await channel.bindQueue(q.queue, 'feed.updates', '');",
          '  await channel.consume(q.queue, (message) => console.log(message));',
          "  channel.publish('feed.updates', 'post.liked', Buffer.from('{}'));",
          '}',
        ),
      },
    },
    {
      name: 'a queue named in part at run time (`jobs_${chainId}`), bound and consumed in the file that publishes to its exchange',
      files: { 'services/relayer/src/job-queue.ts': CHAIN_QUEUE(`\`jobs_\${this.chainId}\``) },
    },
    {
      name: 'golevelup: a publish whose only matching subscription (`order.#`) is in the same service',
      files: { 'services/orders/src/events.ts': GOLEVELUP_PUBLISHER, 'services/orders/src/listener.ts': GOLEVELUP_LISTENER('order.#') },
    },
  ],
  invalid: [
    {
      name: 'the queue bound to the exchange is named in part at run time, but its consumer reads another queue: no consumer is known',
      files: { 'services/relayer/src/job-queue.ts': CHAIN_QUEUE(`\`jobs_\${this.chainId}\``, `\`retries_\${this.chainId}\``) },
      errors: [{ messageId: 'missing', file: 'services/relayer/src/job-queue.ts', line: 12, column: 18 }],
    },
    {
      name: 'golevelup: the same subscription in another service is a hop',
      files: { 'services/orders/src/events.ts': GOLEVELUP_PUBLISHER, 'services/audit/src/listener.ts': GOLEVELUP_LISTENER('order.#') },
      errors: [{ messageId: 'missing', file: 'services/orders/src/events.ts', line: 7, column: 21 }],
    },
    {
      name: 'an exchange another service binds its queue to with a matching pattern is a hop to that service (not inferred)',
      files: {
        'services/orders/src/publish.ts': lines(
          "import amqp from 'amqplib';", //                                                                1
          'export async function placed(orderId: string) {', //                                            2
          '  const connection = await amqp.connect(process.env.RABBITMQ_URL!);', //                       3
          '  const channel = await connection.createChannel();', //                                       4
          "  channel.publish('shop', 'order.created', Buffer.from(JSON.stringify({ orderId })));", //     5
          '}', //                                                                                         6
        ),
        'services/billing/src/consume.ts': BILLING_CONSUMER('shop', 'order.#'),
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/publish.ts', line: 5, column: 11 }],
    },
    {
      name: 'the service\'s own binding does not match the routing key, another service\'s does: reported',
      files: {
        'services/orders/src/event-bus.ts': EVENT_BUS(['payment.*']),
        'services/orders/src/orders.ts': ORDERS_CALLER,
        'services/billing/src/consume.ts': BILLING_CONSUMER('shop.domain.events', 'order.*'),
      },
      // The event bus writes the whole message (no options): one finding at its send, the call as related location.
      errors: [{ messageId: 'missing', file: 'services/orders/src/event-bus.ts', line: 18, column: 25, related: ['services/orders/src/orders.ts:5:20 called from here with a message that carries no id (`publish()`)'] }],
    },
    {
      name: 'a topic pattern matches one word per `*`: `order.*` does not take `order.item.added`, so no consumer is known',
      files: {
        'services/orders/src/publish.ts': lines(
          "import amqp from 'amqplib';", //                                                                 1
          'export async function added(orderId: string) {', //                                              2
          '  const connection = await amqp.connect(process.env.RABBITMQ_URL!);', //                        3
          '  const channel = await connection.createChannel();', //                                        4
          "  const q = await channel.assertQueue('orders.own');", //                                      5
          "  await channel.bindQueue(q.queue, 'shop', 'order.*');", //                                      6
          '  await channel.consume(q.queue, (message) => console.log(message));', //                       7
          "  channel.publish('shop', 'order.item.added', Buffer.from(JSON.stringify({ orderId })));", //   8
          '}', //                                                                                          9
        ),
      },
      errors: [{ messageId: 'missing', file: 'services/orders/src/publish.ts', line: 8, column: 11, messageIncludes: 'Inferred: no consumer of a queue bound to exchange "shop" with a binding that matches routing key "order.item.added"' }],
    },
  ],
});
