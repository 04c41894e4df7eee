/**
 * dual-write: "Route through a transactional outbox". The kafkajs send becomes
 * an outbox insert in the write's transaction (a new one on a pool, the flow's
 * own on a client), the migration and relay are added only when the service
 * has no outbox, the result type-checks, the finding is gone, nothing new
 * appears and the payload expressions survive.
 */
import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analyzeWithFixes, checkFix, lines, removeWorkspace, writeWorkspace } from './helpers';

const RULE = 'dual-write';

describe('fix: route through a transactional outbox', () => {
  test('writes on a pg pool, then a send: one transaction on a pool client with the outbox insert; table and relay added', () => {
    const { root, changed, fix } = checkFix({
      name: 'pool', ruleId: RULE,
      files: {
        'services/orders/package.json': '{ "name": "orders" }',
        'services/orders/migrations/001_orders.sql': 'CREATE TABLE orders (id text PRIMARY KEY, total integer NOT NULL);\n',
        'services/orders/src/place-order.ts': lines(
          "import type { Producer } from 'kafkajs';",
          "import type { Pool } from 'pg';",
          '',
          'export async function placeOrder(pool: Pool, producer: Producer, order: { id: string; total: number }): Promise<void> {',
          "  await pool.query('INSERT INTO orders (id, total) VALUES ($1, $2)', [order.id, order.total]);",
          '  const placedAt = new Date().toISOString();',
          '',
          '  // tell the others',
          '  await producer.send({',
          "    topic: 'order.placed',",
          '    messages: [',
          '      {',
          '        key: order.id,',
          '        value: JSON.stringify({',
          '          orderId: order.id,',
          '          placedAt,',
          '        }),',
          "        headers: { 'message-id': order.id },",
          '      },',
          '    ],',
          '  });',
          "  console.log('placed', order.id);",
          '}',
        ),
      },
      title: "Route through a transactional outbox (insert into outbox in the write's transaction; adds the outbox table and relay)",
      rewrites: ["await pool.query('INSERT INTO orders", 'await producer.send({', "topic: 'order.placed',", 'messages: [', '{', 'key: order.id,', 'value: JSON.stringify({', "headers: { 'message-id': order.id },", '},', '],', '});'],
      keeps: ['JSON.stringify({\n', 'orderId: order.id,', "{ 'message-id': order.id }"],
    });
    const code = changed['services/orders/src/place-order.ts'];
    assert.ok(code.includes([
      '  const client = await pool.connect();',
      '  try {',
      "    await client.query('BEGIN');",
      "    await client.query('INSERT INTO orders (id, total) VALUES ($1, $2)', [order.id, order.total]);",
      '    const placedAt = new Date().toISOString();',
      '',
      '    // tell the others',
      '    await client.query(',
      "      'INSERT INTO outbox (aggregate_id, topic, payload, headers) VALUES ($1, $2, $3, $4)',",
      '      [',
      '        order.id,',
      "        'order.placed',",
      '        JSON.stringify({',
      '          orderId: order.id,',
      '          placedAt,',
      '        }),',
      "        JSON.stringify({ 'message-id': order.id }),",
      '      ],',
      '    );',
      "    await client.query('COMMIT');",
      '  } catch (err) {',
      "    await client.query('ROLLBACK');",
      '    throw err;',
      '  } finally {',
      '    client.release();',
      '  }',
      "  console.log('placed', order.id);",
    ].join('\n')), code);
    assert.ok(changed['services/orders/migrations/002_outbox.sql'].includes('CREATE TABLE IF NOT EXISTS outbox ('));
    assert.ok(changed['services/orders/src/outbox-relay.ts'].includes('FOR UPDATE SKIP LOCKED'));
    assert.equal(fix.isPreferred, true);
    removeWorkspace(root);
  });

  test("a client transaction committed before the send: the insert moves before COMMIT, into the service's existing outbox columns; no table or relay added", () => {
    const { root, changed } = checkFix({
      name: 'client tx', ruleId: RULE,
      files: {
        'services/orders/package.json': '{ "name": "orders" }',
        'services/orders/migrations/001_init.sql': lines(
          'CREATE TABLE outbox (',
          '  id             bigserial   PRIMARY KEY,',
          '  message_id     uuid        NOT NULL UNIQUE,',
          '  aggregate_id   text        NOT NULL,',
          '  topic          text        NOT NULL,',
          '  payload        jsonb       NOT NULL,',
          '  correlation_id text        NOT NULL,',
          '  published_at   timestamptz',
          ');',
        ),
        'services/orders/src/relay.ts': lines(
          "import type { Pool } from 'pg';",
          'export async function pending(pool: Pool): Promise<unknown[]> {',
          "  const { rows } = await pool.query('SELECT * FROM outbox WHERE published_at IS NULL FOR UPDATE SKIP LOCKED');",
          '  return rows;',
          '}',
        ),
        'services/orders/src/cancel.ts': lines(
          "import type { Producer } from 'kafkajs';",
          "import type { Pool } from 'pg';",
          '',
          'export async function cancelOrder(pool: Pool, producer: Producer, id: string, correlationId: string): Promise<void> {',
          '  const client = await pool.connect();',
          '  try {',
          "    await client.query('BEGIN');",
          "    await client.query('UPDATE orders SET status = $2 WHERE id = $1', [id, 'CANCELLED']);",
          "    await client.query('INSERT INTO order_events (order_id, kind) VALUES ($1, $2)', [id, 'cancelled']);",
          "    await client.query('COMMIT');",
          "    await producer.send({ topic: 'order.cancelled', messages: [{ key: id, value: JSON.stringify({ id }), headers: { 'correlation-id': correlationId } }] });",
          '  } finally {',
          '    client.release();',
          '  }',
          '}',
        ),
      },
      title: "Route through a transactional outbox (insert into outbox in the write's transaction)",
      rewrites: ["await producer.send({ topic: 'order.cancelled'"],
      keeps: ['JSON.stringify({ id })'],
    });
    const code = changed['services/orders/src/cancel.ts'];
    assert.ok(code.includes([
      "    await client.query('INSERT INTO order_events (order_id, kind) VALUES ($1, $2)', [id, 'cancelled']);",
      '    await client.query(',
      "      'INSERT INTO outbox (message_id, aggregate_id, topic, payload, correlation_id) VALUES ($1, $2, $3, $4, $5)',",
      '      [',
      '        randomUUID(),',
      '        id,',
      "        'order.cancelled',",
      '        JSON.stringify({ id }),',
      '        correlationId,',
      '      ],',
      '    );',
      "    await client.query('COMMIT');",
      '  } finally {',
    ].join('\n')), code);
    assert.ok(code.includes("import { randomUUID } from 'node:crypto';"));
    assert.deepEqual(Object.keys(changed), ['services/orders/src/cancel.ts']);
    removeWorkspace(root);
  });

  test('TypeORM: a send inside dataSource.transaction(async (manager) => ...) becomes manager.query on that manager; the relay uses the DataSource', () => {
    const { root, changed } = checkFix({
      name: 'typeorm callback', ruleId: RULE,
      files: {
        'services/orders/package.json': '{ "name": "orders" }',
        'services/orders/src/orders.ts': lines(
          "import type { Producer } from 'kafkajs';",
          "import { DataSource } from 'typeorm';",
          '',
          'export class Order {',
          '  id = \'\';',
          "  status = 'PENDING';",
          '}',
          '',
          'export class OrdersService {',
          '  constructor(private readonly dataSource: DataSource, private readonly producer: Producer) {}',
          '',
          '  async cancel(id: string): Promise<void> {',
          '    await this.dataSource.transaction(async (manager) => {',
          "      await manager.save(Order, { id, status: 'CANCELLED' });",
          "      await this.producer.send({ topic: 'order.cancelled', messages: [{ key: id, value: JSON.stringify({ id }) }] });",
          '    });',
          '  }',
          '}',
        ),
      },
      title: /^Route through a transactional outbox \(insert into outbox in the write's transaction; adds the outbox table and relay\)$/,
      rewrites: ["await this.producer.send({ topic: 'order.cancelled'"],
      keeps: ['JSON.stringify({ id })'],
    });
    assert.ok(changed['services/orders/src/orders.ts'].includes([
      "      await manager.save(Order, { id, status: 'CANCELLED' });",
      '      await manager.query(',
      "        'INSERT INTO outbox (aggregate_id, topic, payload, headers) VALUES ($1, $2, $3, $4)',",
    ].join('\n')), changed['services/orders/src/orders.ts']);
    assert.ok(changed['services/orders/src/outbox-relay.ts'].includes('export async function relayOutbox(dataSource: DataSource, producer: Producer'));
    removeWorkspace(root);
  });

  test('TypeORM QueryRunner: a send after the committed transaction moves, as runner.query, before commitTransaction()', () => {
    const { root, changed } = checkFix({
      name: 'typeorm runner', ruleId: RULE,
      files: {
        'services/orders/package.json': '{ "name": "orders" }',
        'services/orders/src/orders.ts': lines(
          "import type { Producer } from 'kafkajs';",
          "import { DataSource } from 'typeorm';",
          '',
          'export class Order {',
          "  id = '';",
          '}',
          '',
          'export async function place(dataSource: DataSource, producer: Producer, order: Order): Promise<void> {',
          '  const runner = dataSource.createQueryRunner();',
          '  await runner.connect();',
          '  await runner.startTransaction();',
          '  try {',
          '    await runner.manager.save(Order, { id: order.id });',
          '    await runner.commitTransaction();',
          '  } catch (err) {',
          '    await runner.rollbackTransaction();',
          '    throw err;',
          '  } finally {',
          '    await runner.release();',
          '  }',
          "  await producer.send({ topic: 'order.placed', messages: [{ key: order.id, value: JSON.stringify(order) }] });",
          '}',
        ),
      },
      title: /^Route through a transactional outbox/,
      rewrites: ["await producer.send({ topic: 'order.placed'"],
      keeps: ['JSON.stringify(order)'],
    });
    const code = changed['services/orders/src/orders.ts'];
    assert.ok(code.includes([
      '    await runner.manager.save(Order, { id: order.id });',
      '    await runner.query(',
      "      'INSERT INTO outbox (aggregate_id, topic, payload, headers) VALUES ($1, $2, $3, $4)',",
    ].join('\n')), code);
    assert.ok(code.includes("    );\n    await runner.commitTransaction();"), code);
    assert.ok(!code.includes('producer.send'), code);
    removeWorkspace(root);
  });

  test('not offered when the write is inside another function, or the payload is not JSON text', () => {
    const cases: Record<string, string>[] = [
      {
        'src/a.ts': lines(
          "import type { Producer } from 'kafkajs';",
          "import type { Pool } from 'pg';",
          'async function save(pool: Pool, id: string): Promise<void> {',
          "  await pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);",
          '}',
          'export async function place(pool: Pool, producer: Producer, id: string): Promise<void> {',
          '  await save(pool, id);',
          "  await producer.send({ topic: 'order.placed', messages: [{ key: id, value: JSON.stringify({ id }) }] });",
          '}',
        ),
      },
      {
        'src/b.ts': lines(
          "import type { Producer } from 'kafkajs';",
          "import type { Pool } from 'pg';",
          'export async function place(pool: Pool, producer: Producer, id: string, avro: Buffer): Promise<void> {',
          "  await pool.query('INSERT INTO orders (id) VALUES ($1)', [id]);",
          "  await producer.send({ topic: 'order.placed', messages: [{ key: id, value: avro }] });",
          '}',
        ),
      },
    ];
    for (const files of cases) {
      const root = writeWorkspace(files);
      const finding = analyzeWithFixes(root).find((f) => f.ruleId === RULE);
      assert.ok(finding, Object.keys(files).join());
      assert.deepEqual(finding.fixes, [], Object.keys(files).join());
      removeWorkspace(root);
    }
  });
});
