import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeSync } from '../../server/src/engine/analyze';
import { runRuleTests } from '../support/ruleTester';
import { removeWorkspace, writeWorkspace } from '../support/workspace';

/** Joins lines so that fixture line N is element N-1. */
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const arch = (...l: string[]) => ({ 'architecture.yaml': lines(...l) });

runRuleTests('invalid-architecture', {
  valid: [
    { name: 'no architecture file at all', code: 'export const x = 1;\n' },
    { name: 'an empty architecture file', files: { 'architecture.yaml': '' } },
    { name: 'a comments-only architecture file', files: arch('# services are inferred until we write this') },
    {
      name: 'a complete, consistent file',
      files: arch(
        'version: 1',
        'system: checkout',
        'services:',
        '  orders:',
        '    paths: [services/orders]',
        '    owner: team-orders',
        '  payments:',
        '    paths: [services/payments/]',
        '  ledger: { paths: [services/ledger] }',
        'datastores:',
        '  orders-db:',
        '    kind: postgres',
        '    owner: orders',
        '    connection:',
        '      env: ORDERS_DATABASE_URL',
        'channels:',
        '  order.created:',
        '    broker: kafka',
        '    producer: orders',
        '    consumers: [payments]',
        '    delivery: at-least-once',
        '    idempotencyKey: "header message-id"',
        'apis:',
        '  payments-http:',
        '    provider: payments',
        '    consumers: [orders]',
        '    timeoutMs: 2000',
        'workflows:',
        '  checkout-saga:',
        '    kind: orchestration',
        '    steps:',
        '      - name: charge',
        '        service: payments',
        '        compensation: refund',
        'decisions:',
        '  - flow: ledger-transfer',
        '    pattern: two-phase-commit',
        '    justification: "regulator requires atomic postings across both ledgers"',
        '    services: [ledger]',
        'rules:',
        '  dual-write: error',
        '  shared-database: off',
      ),
    },
    { name: 'x- extension sections are allowed', files: arch('x-notes:', '  owner: platform', '  tags: [a, b]') },
    {
      name: 'glob service paths that do not overlap',
      files: arch('services:', '  api:', "    paths: ['apps/api/**']", '  worker:', "    paths: ['apps/worker/**']"),
    },
    {
      name: 'sibling folders that share a name prefix do not overlap',
      files: arch('services:', '  orders:', '    paths: [services/orders]', '  orders-history:', '    paths: [services/orders-history]'),
    },
    {
      name: 'an architecture.yaml outside the workspace root is not the architecture file',
      files: { 'docs/architecture.yaml': lines('services: [', '  broken') },
    },
    {
      name: 'architecture.yml is read too, and is valid here',
      files: { 'architecture.yml': lines('services:', '  orders:', '    paths: [services/orders]') },
    },
  ],
  invalid: [
    {
      name: 'bad indentation',
      files: arch(
        'services:',
        '  orders:',
        '    paths: [services/orders]',
        '   owner: team-orders',
      ),
      errors: [{ messageId: 'yamlSyntax', line: 4, column: 1 }],
    },
    {
      name: 'an unclosed quote points at the opening quote',
      files: arch('system: "checkout', 'services: {}'),
      errors: [{ messageId: 'yamlSyntax', line: 1, column: 9, endLine: 1, endColumn: 18 }],
    },
    {
      name: 'a datastore owned by an undeclared service',
      files: arch(
        'services:',
        '  orders:',
        '    paths: [services/orders]',
        'datastores:',
        '  orders-db:',
        '    kind: postgres',
        '    owner: billing',
      ),
      errors: [{ messageId: 'unknownReference', line: 7, column: 12, endLine: 7, endColumn: 19 }],
    },
    {
      name: 'a wrong type: timeoutMs: "2s"',
      files: arch(
        'services:',
        '  orders: {paths: [services/orders]}',
        '  payments: {paths: [services/payments]}',
        'apis:',
        '  payments-http:',
        '    provider: payments',
        '    timeoutMs: "2s"',
      ),
      errors: [{ messageId: 'schema', line: 7, column: 16, endLine: 7, endColumn: 20 }],
    },
    {
      name: 'an unknown property, at its key',
      files: arch(
        'services:',
        '  payments:',
        '    paths: [services/payments]',
        '    team: payments-squad',
      ),
      errors: [{ messageId: 'schema', line: 4, column: 5, endLine: 4, endColumn: 9 }],
    },
    {
      name: 'an enum violation',
      files: arch(
        'channels:',
        '  order.created:',
        '    delivery: at-least-one',
      ),
      errors: [{ messageId: 'schema', line: 3, column: 15, endLine: 3, endColumn: 27 }],
    },
    {
      name: 'a decision pattern outside the enum',
      files: arch(
        'decisions:',
        '  - flow: ledger-transfer',
        '    pattern: 2pc',
        '    justification: "atomic postings"',
      ),
      errors: [{ messageId: 'schema', line: 3, column: 14 }],
    },
    {
      name: 'overlapping service paths',
      files: arch(
        'services:',
        '  orders:',
        '    paths: [services/orders]',
        '  order-history:',
        '    paths: [services/orders/history]',
      ),
      errors: [{ messageId: 'overlappingPaths', line: 5, column: 13 }],
    },
    {
      name: 'a duplicate key, at the second one',
      files: arch(
        'services:',
        '  orders:',
        '    paths: [a]',
        '  orders:',
        '    paths: [b]',
      ),
      errors: [{ messageId: 'duplicateKey', line: 4, column: 3 }],
    },
    {
      name: 'a decision naming an undeclared service',
      files: arch(
        'services:',
        '  ledger: {paths: [services/ledger]}',
        'decisions:',
        '  - flow: ledger-transfer',
        '    pattern: two-phase-commit',
        '    justification: "atomic postings"',
        '    services: [ledgr]',
      ),
      errors: [{ messageId: 'unknownReference', line: 7, column: 16 }],
    },
    {
      name: 'an unknown rule id and an invalid severity under rules:',
      files: arch(
        'rules:',
        '  unjustified-lock: off',
        '  dual-write: warn',
      ),
      errors: [
        { messageId: 'unknownReference', line: 2, column: 3 },
        { messageId: 'schema', line: 3, column: 15 },
      ],
    },
    {
      name: 'problems in architecture.yml, in file order',
      files: { 'architecture.yml': lines('system: 5', 'version: two') },
      errors: [
        { messageId: 'schema', file: 'architecture.yml', line: 1, column: 9 },
        { messageId: 'schema', file: 'architecture.yml', line: 2, column: 10 },
      ],
    },
  ],
});

describe('invalid-architecture: a broken architecture file does not stop the code rules', () => {
  const consumer = lines(
    "import { Kafka } from 'kafkajs';",
    "import { Pool } from 'pg';",
    'const pool = new Pool({ connectionString: process.env.DATABASE_URL });',
    "const kafka = new Kafka({ clientId: 'shipping', brokers: ['kafka:9092'] });",
    "const consumer = kafka.consumer({ groupId: 'shipping' });",
    'export async function start() {',
    "  await consumer.subscribe({ topic: 'payment.captured' });",
    '  await consumer.run({',
    '    eachMessage: async ({ message }) => {',
    '      const event = JSON.parse(message.value!.toString());',
    "      await pool.query('INSERT INTO shipments(order_id) VALUES ($1)', [event.orderId]);",
    '    },',
    '  });',
    '}',
  );

  for (const [name, yaml] of [
    ['bad indentation', lines('services:', '  shipping:', '    paths: [services/shipping]', '   owner: team-shipping')],
    ['unreadable YAML', lines('services: [', '  shipping: {')],
    ['not a mapping at all', lines('- shipping', '- orders')],
  ] as const) {
    it(`${name}: the file is reported and the consumer is still flagged`, () => {
      const root = writeWorkspace({ 'architecture.yaml': yaml, 'services/shipping/src/consumer.ts': consumer });
      try {
        const findings = analyzeSync({ root }).findings;
        assert.ok(findings.some((f) => f.ruleId === 'invalid-architecture' && f.location.file === 'architecture.yaml'), 'the architecture file is reported');
        const flagged = findings.filter((f) => f.ruleId === 'non-idempotent-consumer');
        assert.deepEqual(flagged.map((f) => `${f.location.file}:${f.location.range.start.line}`), ['services/shipping/src/consumer.ts:9']);
      } finally {
        removeWorkspace(root);
      }
    });
  }
});
