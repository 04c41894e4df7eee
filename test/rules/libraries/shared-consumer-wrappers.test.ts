/**
 * A shared Kafka consumer package used by several services (PagoPA's `kafka-connector`): `runConsumer(config,
 * topics, handler)` calls `initConsumer(...)`, whose inline `eachMessage` only runs the handler its caller passes
 * and commits the offset. Each service's call registers a consumer of its own, reported at that call, with the
 * function it passes as the handler. A handler that first asks `eventWasProcessed(streamId, version)` and returns
 * is deduplicated; an inline handler that does work of its own (a write) is not treated as a thin adapter.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const CONNECTOR = (inline: string) => lines(
  "import { Kafka, type EachMessagePayload } from 'kafkajs';",
  '',
  'const initConsumer = async (topics: string[], consumerHandler: (p: EachMessagePayload) => Promise<void>) => {',
  "  const consumer = new Kafka({ brokers: [process.env.KAFKA_BROKERS!] }).consumer({ groupId: process.env.GROUP_ID! });",
  '  await consumer.subscribe({ topics });',
  '  await consumer.run({',
  '    autoCommit: false,',
  '    eachMessage: async (payload: EachMessagePayload) => {',
  `      ${inline}`,
  '      await consumer.commitOffsets([{ topic: payload.topic, partition: payload.partition, offset: payload.message.offset }]);',
  '    },',
  '  });',
  '};',
  '',
  'export const runConsumer = async (topics: string[], consumerHandler: (p: EachMessagePayload) => Promise<void>) => {',
  '  await initConsumer(topics, consumerHandler);',
  '};',
);
const THIN = CONNECTOR('await consumerHandler(payload);');

const SERVICE = (table: string, guarded: boolean) => lines(
  "import { Pool } from 'pg';",
  "import type { EachMessagePayload } from 'kafkajs';",
  "import { runConsumer } from '../../kafka-connector/src/index';",
  '',
  'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
  'const repository = {',
  '  async eventWasProcessed(streamId: string, version: number) {',
  `    const { rows } = await pool.query('SELECT 1 FROM ${table} WHERE event_stream_id = $1 AND event_version_id = $2', [streamId, version]);`,
  '    return rows.length > 0;',
  '  },',
  '};',
  '',
  'async function processMessage({ message }: EachMessagePayload) {',
  '  const event = JSON.parse(message.value!.toString()) as { streamId: string; version: number; id: string };',
  ...(guarded ? ['  if (await repository.eventWasProcessed(event.streamId, event.version)) return;'] : []),
  `  await pool.query('INSERT INTO ${table} (id, event_stream_id, event_version_id) VALUES ($1, $2, $3)', [event.id, event.streamId, event.version]);`,
  '}',
  '',
  `await runConsumer(['${table}-events'], processMessage);`,
);
const AGREEMENTS = SERVICE('agreement', false);
const DELEGATIONS = SERVICE('delegation', false);

runRuleTests('non-idempotent-consumer', {
  valid: [{
    name: 'each service asks eventWasProcessed(stream, version) before its insert',
    files: {
      'packages/kafka-connector/src/index.ts': THIN,
      'packages/agreements/src/index.ts': SERVICE('agreement', true),
      'packages/delegations/src/index.ts': SERVICE('delegation', true),
    },
  }],
  invalid: [
    {
      name: 'two services register through the shared wrapper: one finding per service, at its call',
      files: { 'packages/kafka-connector/src/index.ts': THIN, 'packages/agreements/src/index.ts': AGREEMENTS, 'packages/delegations/src/index.ts': DELEGATIONS },
      errors: [
        { messageId: 'unguarded', file: 'packages/agreements/src/index.ts', ...at(AGREEMENTS, 'runConsumer([') },
        { messageId: 'unguarded', file: 'packages/delegations/src/index.ts', ...at(DELEGATIONS, 'runConsumer([') },
      ],
    },
  ],
});
