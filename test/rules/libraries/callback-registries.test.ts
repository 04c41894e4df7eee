/**
 * Function values followed through callback registries (facts/callbackRegistry.ts): a consumer that
 * runs whatever was registered into a field (`subscribe(fn)` filling a Set, `on(type, fn)` filling a
 * Map, an object literal of handlers dispatched by key) reaches the effects of the registered
 * functions. Also the Redis counter commands (HINCRBY, INCRBYFLOAT, DECRBY, ZINCRBY count twice on a
 * repeat; EXPIRE and PFADD do not).
 * Fixture line numbers are given in the trailing comments.
 */
import { runRuleTests } from '../../support/ruleTester';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** An amqplib consumer (line 9) that hands each message to `dispatch` (the registry call varies). */
const BUS = (field: string, register: string[], dispatch: string) => lines(
  "import * as amqp from 'amqplib';", //                                          1
  'type Event = { type: string; id: string };', //                                 2
  'export class Bus {', //                                                         3
  `  ${field}`, //                                                                 4
  '  private channel!: amqp.Channel;', //                                          5
  '  async start() {', //                                                          6
  '    const connection = await amqp.connect(process.env.RABBITMQ_URL!);', //     7
  '    this.channel = await connection.createChannel();', //                       8
  "    await this.channel.consume('orders', async (message) => {", //              9
  '      if (!message) return;', //                                                10
  '      const event = JSON.parse(message.content.toString()) as Event;', //      11
  `      ${dispatch}`, //                                                           12
  '      this.channel.ack(message);', //                                           13
  '    });', //                                                                    14
  '  }', //                                                                        15
  ...register,
  '}',
);

const SUBSCRIBE = ['  subscribe(handler: (event: Event) => Promise<void>) {', '    this.handlers.add(handler);', '  }'];
const ON = ['  on(type: string, handler: (event: Event) => Promise<void>) {', '    this.byType.set(type, handler);', '  }'];

const SHIPMENTS = (call: string, body: string) => lines(
  "import { Pool } from 'pg';",
  "import { Bus } from './bus';",
  'const pool = new Pool();',
  'export function register(bus: Bus) {',
  `  ${call}async (event) => {`,
  `    ${body}`,
  '  });',
  '}',
);
const INSERT = "await pool.query('INSERT INTO shipments (order_id) VALUES ($1)', [event.id]);";

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      name: 'the only registered handler logs',
      files: {
        'src/bus.ts': BUS('private readonly handlers = new Set<(event: Event) => Promise<void>>();', SUBSCRIBE, 'for (const handler of this.handlers) await handler(event);'),
        'src/shipments.ts': SHIPMENTS('bus.subscribe(', 'console.log(event.id);'),
      },
    },
    {
      name: 'a registered handler that only sets an expiry and adds to a HyperLogLog (both idempotent)',
      files: {
        'src/bus.ts': BUS('private readonly handlers = new Set<(event: Event) => Promise<void>>();', SUBSCRIBE, 'for (const handler of this.handlers) await handler(event);'),
        'src/visitors.ts': lines(
          "import Redis from 'ioredis';",
          "import { Bus } from './bus';",
          'const redis = new Redis();',
          'export function register(bus: Bus) {',
          '  bus.subscribe(async (event) => {',
          "    await redis.pfadd('visitors', event.id);",
          "    await redis.expire('visitors', 3600);",
          '  });',
          '}',
        ),
      },
    },
  ],
  invalid: [
    {
      name: 'a handler subscribed into a Set and run by for-of inserts a row',
      files: {
        'src/bus.ts': BUS('private readonly handlers = new Set<(event: Event) => Promise<void>>();', SUBSCRIBE, 'for (const handler of this.handlers) await handler(event);'),
        'src/shipments.ts': SHIPMENTS('bus.subscribe(', INSERT),
      },
      errors: [{ messageId: 'unguarded', file: 'src/bus.ts', line: 9, column: 24, messageIncludes: 'INSERT INTO shipments' }],
    },
    {
      name: 'a handler kept in an array and run by forEach inserts a row',
      files: {
        'src/bus.ts': BUS('private readonly handlers: ((event: Event) => Promise<void>)[] = [];',
          ['  subscribe(handler: (event: Event) => Promise<void>) {', '    this.handlers.push(handler);', '  }'],
          'this.handlers.forEach((handler) => handler(event));'),
        'src/shipments.ts': SHIPMENTS('bus.subscribe(', INSERT),
      },
      errors: [{ messageId: 'unguarded', file: 'src/bus.ts', line: 9, column: 24, messageIncludes: 'INSERT INTO shipments' }],
    },
    {
      name: 'a handler registered by type in a Map and looked up for the message inserts a row',
      files: {
        'src/bus.ts': BUS('private readonly byType = new Map<string, (event: Event) => Promise<void>>();', ON, 'await this.byType.get(event.type)?.(event);'),
        'src/shipments.ts': SHIPMENTS("bus.on('order.paid', ", INSERT),
      },
      errors: [{ messageId: 'unguarded', file: 'src/bus.ts', line: 9, column: 24, messageIncludes: 'INSERT INTO shipments' }],
    },
    {
      name: 'a handler map (object literal) dispatched by the message type; the handler counts in a Redis hash',
      files: {
        'src/bus.ts': lines(
          "import * as amqp from 'amqplib';", //                                                   1
          "import Redis from 'ioredis';", //                                                        2
          'type Event = { type: string; id: string };', //                                          3
          'const redis = new Redis();', //                                                          4
          'async function onPaid(event: Event) {', //                                               5
          "  await redis.hincrby('paid-by-day', event.id.slice(0, 10), 1);", //                      6
          '}', //                                                                                   7
          'const handlers: Record<string, (event: Event) => Promise<void>> = { paid: onPaid };', // 8
          'export async function start() {', //                                                     9
          '  const connection = await amqp.connect(process.env.RABBITMQ_URL!);', //                10
          '  const channel = await connection.createChannel();', //                                11
          "  await channel.consume('payments', async (message) => {", //                            12
          '    if (!message) return;', //                                                           13
          '    const event = JSON.parse(message.content.toString()) as Event;', //                 14
          '    await handlers[event.type](event);', //                                              15
          '    channel.ack(message);', //                                                           16
          '  });', //                                                                               17
          '}', //                                                                                   18
        ),
      },
      errors: [{ messageId: 'unguarded', file: 'src/bus.ts', line: 12, column: 17, messageIncludes: 'HINCRBY paid-by-day' }],
    },
  ],
});
