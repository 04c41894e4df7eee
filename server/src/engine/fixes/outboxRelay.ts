/**
 * What the outbox fix adds when a service has no outbox table: the table's
 * migration and a polling relay module (FOR UPDATE SKIP LOCKED, published
 * with the service's kafkajs producer), for a pg Pool or a TypeORM DataSource.
 */

export const OUTBOX_TABLE = [
  '-- Transactional outbox: events written in the same transaction as the state they',
  '-- describe, published afterwards by the relay (outbox-relay.ts).',
  'CREATE TABLE IF NOT EXISTS outbox (',
  '  id           bigserial   PRIMARY KEY,',
  '  aggregate_id text,',
  '  topic        text        NOT NULL,',
  '  payload      jsonb       NOT NULL,',
  "  headers      jsonb       NOT NULL DEFAULT '{}',",
  '  created_at   timestamptz NOT NULL DEFAULT now(),',
  '  published_at timestamptz',
  ');',
  '',
  'CREATE INDEX IF NOT EXISTS outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;',
  '',
].join('\n');

/** The generated relay module, for a pg `Pool` or a TypeORM `DataSource`: only the transaction around the batch differs. */
function relaySource(db: { importLine: string; param: string; arg: string; batch: string[] }): string {
  return [
    "import type { Producer } from 'kafkajs';",
    db.importLine,
    '',
    'interface OutboxRow {',
    '  id: string;',
    '  aggregate_id: string | null;',
    '  topic: string;',
    '  payload: unknown;',
    '  headers: Record<string, string> | null;',
    '}',
    '',
    '/**',
    ' * Publishes unpublished outbox rows in id order and marks them published.',
    ' * Rows are locked with FOR UPDATE SKIP LOCKED, so several replicas can relay;',
    ' * a row is marked only after the broker acknowledged it, so a crash in between',
    ' * publishes it again (consumers dedupe on the message id). Returns the number',
    ' * of rows published.',
    ' */',
    `export async function relayOutbox(${db.param}, producer: Producer, batchSize = 100): Promise<number> {`,
    ...db.batch,
    '}',
    '',
    '/** Relays the outbox every `intervalMs` until the returned function is called. Start it beside the producer. */',
    `export function startOutboxRelay(${db.param}, producer: Producer, intervalMs = 500): () => void {`,
    '  let busy = false;',
    '  const timer = setInterval(() => {',
    '    if (busy) return;',
    '    busy = true;',
    `    relayOutbox(${db.arg}, producer)`,
    "      .catch((err: unknown) => console.error('outbox relay failed, retrying on the next tick', err))",
    '      .finally(() => {',
    '        busy = false;',
    '      });',
    '  }, intervalMs);',
    '  return () => clearInterval(timer);',
    '}',
    '',
  ].join('\n');
}

/** Select a batch, publish each row, mark the batch; `q` is the query receiver inside the transaction. */
function relayBatch(q: string, indent: string, selectCall: string): string[] {
  return [
    `${indent}const ${selectCall}(`,
    `${indent}  'SELECT id, aggregate_id, topic, payload, headers FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED',`,
    `${indent}  [batchSize],`,
    `${indent});`,
    `${indent}for (const row of rows) {`,
    `${indent}  await producer.send({`,
    `${indent}    topic: row.topic,`,
    `${indent}    messages: [{ key: row.aggregate_id, value: JSON.stringify(row.payload), headers: row.headers ?? undefined }],`,
    `${indent}  });`,
    `${indent}}`,
    `${indent}if (rows.length) {`,
    `${indent}  await ${q}.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);`,
    `${indent}}`,
  ];
}

export const TYPEORM_RELAY = relaySource({
  importLine: "import type { DataSource } from 'typeorm';",
  param: 'dataSource: DataSource',
  arg: 'dataSource',
  batch: [
    '  return dataSource.transaction(async (manager) => {',
    ...relayBatch('manager', '    ', 'rows: OutboxRow[] = await manager.query'),
    '    return rows.length;',
    '  });',
  ],
});

export const RELAY = relaySource({
  importLine: "import type { Pool } from 'pg';",
  param: 'pool: Pool',
  arg: 'pool',
  batch: [
    '  const client = await pool.connect();',
    '  try {',
    "    await client.query('BEGIN');",
    ...relayBatch('client', '    ', '{ rows } = await client.query<OutboxRow>'),
    "    await client.query('COMMIT');",
    '    return rows.length;',
    '  } catch (err) {',
    "    await client.query('ROLLBACK');",
    '    throw err;',
    '  } finally {',
    '    client.release();',
    '  }',
  ],
});
