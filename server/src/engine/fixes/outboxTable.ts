/**
 * The outbox table the "Route through a transactional outbox" fix
 * (outbox.ts) writes to: the service's own (each column mapped from the
 * message: key, topic, payload, headers, a fresh id, correlation and
 * causation ids), else a new table with its migration and relay (see
 * outboxRelay.ts); and the text of the INSERT that replaces a publish.
 */
import * as path from 'node:path';
import { Node, type SourceFile } from 'ts-morph';
import type { SystemModel } from '../model';
import { isOutboxTable } from '../facts/sql';
import { indentAt, quoteOf } from './text';
import { exists, fileText, moduleDir, newMigrationPath, serviceDir, sqlTables, type SqlTable } from './workspace';
import { OUTBOX_TABLE, RELAY, TYPEORM_RELAY } from './outboxRelay';

export interface MessageParts {
  key?: Node;
  value: Node;
  headers?: Node;
}

export interface OutboxColumns {
  table: string;
  /** Column name → how its value is written, given one message. */
  columns: { name: string; value: (m: MessageParts, topic: Node) => string | undefined }[];
  migration?: { file: string; text: string };
  relay?: { file: string; text: string };
}

export const UUID = '\u0000uuid';

/** Moves an expression's text to a new indentation (lines after the first keep their relative indent). */
function moved(sf: SourceFile, node: Node, indent: string, eol: string): string {
  const base = indentAt(sf, node.getStart());
  return node.getText().split(/\r?\n/).map((l, i) => (i === 0 ? l : l.startsWith(base) ? indent + l.slice(base.length) : l)).join(eol);
}

export function insertText(sf: SourceFile, outbox: OutboxColumns, m: MessageParts, topic: Node, client: string, indent: string, unit: string, eol: string, uuid: string): string {
  const q = quoteOf(sf);
  const cols = outbox.columns.map((c) => ({ name: c.name, value: c.value(m, topic)! }));
  const values = cols.map((c) => (c.value === UUID ? uuid : c.value));
  const placeholders = cols.map((_, i) => `$${i + 1}`).join(', ');
  const inner = indent + unit;
  const deeper = inner + unit;
  return [
    `${indent}await ${client}.query(`,
    `${inner}${q}INSERT INTO ${outbox.table} (${cols.map((c) => c.name).join(', ')}) VALUES (${placeholders})${q},`,
    `${inner}[`,
    ...values.map((v) => `${deeper}${v.replace(/\u0001[^\u0002]*\u0002/g, (key) => moved(sf, NODE_REFS.get(key)!, deeper, eol))},`),
    `${inner}],`,
    `${indent});`,
  ].join(eol);
}

/** Node references passed through the column mappers (so the text can be re-indented where it lands). */
const NODE_REFS = new Map<string, Node>();
function ref(node: Node): string {
  const key = `\u0001${node.getSourceFile().getFilePath()}:${node.getStart()}:${node.getEnd()}\u0002`;
  NODE_REFS.set(key, node);
  return key;
}

function headerValue(m: MessageParts, key: RegExp): string | undefined {
  if (!m.headers || !Node.isObjectLiteralExpression(m.headers)) return undefined;
  for (const p of m.headers.getProperties()) {
    if (!Node.isPropertyAssignment(p)) continue;
    const n = p.getNameNode();
    const name = Node.isStringLiteral(n) ? n.getLiteralValue() : n.getText();
    if (key.test(name)) return ref(p.getInitializer()!);
  }
  return undefined;
}

const MAPPERS: { names: RegExp; value: (m: MessageParts, topic: Node) => string | undefined }[] = [
  { names: /^(aggregate_?id|aggregateid|message_key|key|partition_key)$/i, value: (m) => (m.key ? ref(m.key) : undefined) },
  { names: /^(topic|destination|channel|type|event_type|aggregatetype|routing_key)$/i, value: (_, topic) => ref(topic) },
  { names: /^(payload|body|data|value|message)$/i, value: (m) => ref(m.value) },
  { names: /^(headers|metadata)$/i, value: (m) => (m.headers ? `JSON.stringify(${ref(m.headers)})` : "'{}'") },
  { names: /^(message_?id|event_?id|id)$/i, value: () => UUID },
  { names: /^correlation_?id$/i, value: (m) => headerValue(m, /correlation/i) },
  { names: /^causation_?id$/i, value: (m) => headerValue(m, /causation/i) },
];

/** The service's outbox table and how each column is filled, or a new table (with its relay) when it has none. */
export function outboxColumns(model: SystemModel, dir: string, file: string, messages: MessageParts[], flavour: 'pg' | 'typeorm'): OutboxColumns | undefined {
  const existing = sqlTables(model, dir, isOutboxTable)[0];
  if (existing) return mapExisting(existing, messages);
  const columns: OutboxColumns['columns'] = [
    { name: 'aggregate_id', value: (m) => (m.key ? ref(m.key) : 'null') },
    { name: 'topic', value: (_, topic) => ref(topic) },
    { name: 'payload', value: (m) => ref(m.value) },
    { name: 'headers', value: (m) => (m.headers ? `JSON.stringify(${`${ref(m.headers)}`})` : "'{}'") },
  ];
  const migration = { file: newMigrationPath(model, dir, 'outbox'), text: OUTBOX_TABLE };
  const relayFile = path.posix.join(moduleDir(model, dir, file), 'outbox-relay.ts');
  const hasRelay = model.facts.some((f) => f.kind === 'read' && isOutboxTable(f.table) && serviceDir(model, f.node) === dir);
  const relay = hasRelay ? undefined : exists(model, relayFile) ? (/relayOutbox/.test(fileText(model, relayFile) ?? '') ? undefined : null) : { file: relayFile, text: flavour === 'typeorm' ? TYPEORM_RELAY : RELAY };
  if (relay === null) return undefined;
  return { table: 'outbox', columns, migration, relay };
}

function mapExisting(table: SqlTable, messages: MessageParts[]): OutboxColumns | undefined {
  const columns: OutboxColumns['columns'] = [];
  for (const c of table.columns) {
    if (c.hasDefault && !/^(payload|topic)$/i.test(c.name)) continue;
    const mapper = MAPPERS.find((m) => m.names.test(c.name));
    const filled = mapper && messages.every((m) => mapper.value(m, m.value) !== undefined);
    if (mapper && filled) columns.push({ name: c.name, value: mapper.value });
    else if (c.notNull && !c.hasDefault) return undefined; // a required column the fix cannot fill
  }
  if (!columns.some((c) => /^(payload|body|data|value|message)$/i.test(c.name))) return undefined;
  return { table: table.name, columns };
}
