/**
 * A JetStream push consumer whose handler is set on the consumer-options builder (`const opts =
 * consumerOpts(config); opts.callback(handler); await js.subscribe(subject, opts)`, cic-ussd's Fastify
 * plugin), dispatching to a handler that decodes the message and writes through the app's
 * `@fastify/postgres` pool (`PostgresDb`). The insert repeats on redelivery; one keyed on the transfer
 * (`ON CONFLICT DO NOTHING`) does not.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const PLUGIN = (callback: string) => lines(
  "import { connect, consumerOpts, JsMsg, NatsError } from 'nats';",
  "import type { PostgresDb } from '@fastify/postgres';",
  "import { processMessage } from '../lib/handlers';",
  '',
  'export async function startConsumer(db: PostgresDb) {',
  '  const nc = await connect({ servers: [process.env.NATS_URL!] });',
  '  const js = nc.jetstream();',
  "  const opts = consumerOpts({ durable_name: 'ussd', ack_policy: 'explicit' });",
  "  opts.bind('CHAIN', 'ussd');",
  `  ${callback}`,
  "  await js.subscribe('CHAIN.*', opts);",
  '}',
);
const WITH_CALLBACK = PLUGIN(lines(
  'opts.callback(async (error: NatsError | null, message: JsMsg | null) => {',
  '    if (!message) return;',
  '    await processMessage(db, message);',
  '    message.ack();',
  '  });',
).trimEnd());
const WITHOUT_CALLBACK = PLUGIN('opts.manualAck();');

const HANDLERS = (sql: string) => lines(
  "import { JSONCodec, type Codec, type JsMsg } from 'nats';",
  "import type { PostgresDb } from '@fastify/postgres';",
  '',
  'type Transfer = { hash: string; to: string; value: string };',
  '',
  'const codec: Codec<Transfer> = JSONCodec<Transfer>();',
  '',
  'async function handleTransfer(db: PostgresDb, message: JsMsg) {',
  '  const data = codec.decode(message.data);',
  `  await db.query('${sql}', [data.hash, data.to, data.value]);`,
  '}',
  '',
  'export async function processMessage(db: PostgresDb, message: JsMsg) {',
  "  if (message.subject === 'CHAIN.transfer') await handleTransfer(db, message);",
  '}',
);
const INSERT = 'INSERT INTO statements (tx_hash, recipient, value) VALUES ($1, $2, $3)';
const KEYED = `${INSERT} ON CONFLICT (tx_hash) DO NOTHING`;

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'the same consumer, its insert keyed on the transfer', files: { 'src/plugins/nats.ts': WITH_CALLBACK, 'src/lib/handlers.ts': HANDLERS(KEYED) } },
    { name: 'options with no handler set: no consumer here', files: { 'src/plugins/nats.ts': WITHOUT_CALLBACK, 'src/lib/handlers.ts': HANDLERS(INSERT) } },
  ],
  invalid: [{
    name: 'a handler set with opts.callback runs a handler whose insert repeats on redelivery',
    files: { 'src/plugins/nats.ts': WITH_CALLBACK, 'src/lib/handlers.ts': HANDLERS(INSERT) },
    errors: [{ messageId: 'unguarded', file: 'src/plugins/nats.ts', ...at(WITH_CALLBACK, 'subscribe(') }],
  }],
});
