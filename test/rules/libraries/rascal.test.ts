/**
 * Rascal, a RabbitMQ client configured by name: `broker.publish(publication, message, overrides)` is a
 * publish whose overrides carry the envelope, and `subscription.on('message', (message, content,
 * ackOrNack) => ...)` on `await broker.subscribe(name)` is a consumer that acknowledges by hand (a
 * message not acknowledged comes back), whether the broker comes from a named import or from the
 * default export's `BrokerAsPromised`.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const CONSUMER = (effect: string) => lines(
  "import { BrokerAsPromised } from 'rascal';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  '',
  'export async function start() {',
  '  const broker = await BrokerAsPromised.create({ vhosts: {} });',
  "  const subscription = await broker.subscribe('payments_settled');",
  "  subscription.on('message', async (message, content, ackOrNack) => {",
  `    ${effect}`,
  '    ackOrNack();',
  '  });',
  '}',
);
const INSERT = CONSUMER("await pool.query('INSERT INTO ledger (payment_id, amount) VALUES ($1, $2)', [content.paymentId, content.amount]);");
const UPSERT = CONSUMER("await pool.query('INSERT INTO ledger (payment_id, amount) VALUES ($1, $2) ON CONFLICT (payment_id) DO NOTHING', [content.paymentId, content.amount]);");

const PUBLISHER = (overrides: string) => lines(
  "import Rascal from 'rascal';",
  '',
  'export class Events {',
  '  private broker: Rascal.BrokerAsPromised | undefined;',
  '',
  '  async init() {',
  '    this.broker = await Rascal.BrokerAsPromised.create(Rascal.withDefaultConfig({ vhosts: {} }));',
  '  }',
  '',
  '  async orderShipped(orderId: string, correlationId: string) {',
  `    await this.broker!.publish('order_shipped', { orderId }${overrides});`,
  '  }',
  '}',
);
const BARE = PUBLISHER('');
const CORRELATED = PUBLISHER(', { options: { correlationId, headers: { causationId: orderId } } }');

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: 'a rascal subscription handler whose insert is keyed on the message (ON CONFLICT DO NOTHING)', files: { 'services/ledger/src/consumer.ts': UPSERT } }],
  invalid: [{
    name: 'a rascal subscription handler that inserts a ledger row per delivery',
    files: { 'services/ledger/src/consumer.ts': INSERT },
    errors: [{ messageId: 'unguarded', file: 'services/ledger/src/consumer.ts', ...at(INSERT, "subscription.on(") }],
  }],
});

runRuleTests('missing-correlation-id', {
  valid: [{ name: 'a rascal publish whose overrides carry a correlationId', files: { 'services/orders/src/events.ts': CORRELATED } }],
  invalid: [{
    name: 'a rascal publish of a bare body, through a broker from the default export',
    files: { 'services/orders/src/events.ts': BARE },
    errors: [{ messageId: 'missing', file: 'services/orders/src/events.ts', ...at(BARE, 'publish(') }],
  }],
});
