/**
 * STOMP clients (libraries/stomp.ts) as the rules see them: a stompit subscription acknowledged by
 * the client redelivers (non-idempotent-consumer applies), one with the default `ack: auto` does not;
 * a stompit `client.send` after a write is a dual write.
 */
import { runRuleTests } from '../support/ruleTester';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

/** A stompit consumer (subscribe on line 6) whose handler inserts a row (line 8). */
const consumer = (ack: string) => lines(
  "import * as stompit from 'stompit';",
  "import { Pool } from 'pg';",
  'const pool = new Pool();',
  "stompit.connect({ host: 'activemq', port: 61613 }, (error, client) => {",
  '  if (error) return;',
  `  client.subscribe({ destination: '/queue/payments', ack: '${ack}' }, (err, message) => {`,
  '    message.readString("utf-8", async (e, body) => {',
  "      await pool.query('INSERT INTO payments(amount) VALUES ($1)', [JSON.parse(body!).amount]);",
  '      client.ack(message);',
  '    });',
  '  });',
  '});',
);

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: "ack: 'auto' (the default): the broker never delivers the message again", code: consumer('auto') },
  ],
  invalid: [
    {
      name: "ack: 'client': an unacknowledged message is delivered again and inserts a second row",
      code: consumer('client'),
      errors: [{ messageId: 'unguarded', line: 6, column: 71, messageIncludes: 'STOMP (ack: client) delivers at least once' }],
    },
  ],
});

runRuleTests('dual-write', {
  valid: [],
  invalid: [
    {
      name: 'a write, then client.send on a stompit client held in a typed field',
      code: lines(
        "import type { Client } from 'stompit';",
        "import { Pool } from 'pg';",
        'const pool = new Pool();',
        'export class Orders {',
        '  constructor(private readonly client: Client) {}',
        '  async place(id: string) {',
        "    await pool.query('INSERT INTO orders(id) VALUES ($1)', [id]);",
        "    const frame = this.client.send({ destination: '/queue/orders', 'correlation-id': id });",
        '    frame.write(JSON.stringify({ id }));',
        '    frame.end();',
        '  }',
        '}',
      ),
      errors: [{ messageId: 'dualWrite', line: 8, column: 31, messageIncludes: '`client.send to "/queue/orders"`' }],
    },
  ],
});
