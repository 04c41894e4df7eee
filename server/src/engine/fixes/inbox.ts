/**
 * non-idempotent-consumer: "Guard with an inbox". The statements of the
 * handler that lead to its side effects run inside `withInbox(pool, consumer,
 * id, async (tx) => { ... })`, a small helper module generated in the
 * service: it records the message id in the inbox table with INSERT ... ON
 * CONFLICT DO NOTHING in a transaction that commits only when the work
 * succeeds, and skips the work for an id already there. Writes the handler
 * makes on the pool itself move onto `tx`, so they commit with the inbox row.
 * Adds the inbox table migration when the service has none.
 *
 * Offered for handlers on a pg pool the handler can reach (a variable, a
 * parameter, a class member); other datastores get no fix.
 */
import * as path from 'node:path';
import { Node, SyntaxKind, type Block, type Statement } from 'ts-morph';
import type { Fact } from '../facts/facts';
import type { SystemModel } from '../model';
import type { Fix, TextEdit } from '../types';
import { isFunctionLike } from '../facts/analysis';
import { variableOf } from '../facts/libraries/staticValues';
import { isGuardTable } from '../facts/sql';
import { identityOf } from './incoming';
import { importEdit, relativeSpecifier } from './imports';
import { createFile, eolOf, indentAt, indentUnit, lineStartOf, quoteOf, replaceRange } from './text';
import { exists, fileText, moduleDir, newMigrationPath, serviceDir, sqlTables, type SqlTable } from './workspace';

export const INBOX_FIX_TITLE = 'Guard with an inbox';
const HELPER = 'withInbox';
const RISKY = ['write', 'publish', 'http', 'sideEffect'];

interface InboxTable {
  table: string;
  idColumn: string;
  consumerColumn?: string;
  /** The migration to add, when the service has no inbox table. */
  migration?: { file: string; text: string };
}

export function inboxFix(model: SystemModel, consumer: Fact): Fix[] {
  const handler = consumer.handler;
  if (!handler || !isAsync(handler)) return [];
  const file = model.relOf(handler);
  if (!/\.(ts|mts|cts)$/.test(file)) return [];
  const sf = handler.getSourceFile();
  const identity = identityOf(model, consumer);
  if (!identity) return [];
  const pool = poolIn(model, handler);
  if (!pool) return [];
  const range = wrapRange(model, consumer);
  if (!range) return [];

  const dir = serviceDir(model, handler);
  const table = inboxTable(model, dir);
  if (!table) return [];
  const helper = helperModule(model, dir, file, table);
  if (!helper) return [];

  // The wrapped statements, with writes on the pool moved onto the transaction.
  const { block, first, last } = range;
  const start = lineStartOf(sf, first.getStart());
  // The statements must start their line and end it, so the wrap takes whole lines.
  if (sf.getFullText().slice(start, first.getStart()).trim() || !/^[ \t]*(\/\/[^\n]*)?\r?(\n|$)/.test(sf.getFullText().slice(last.getEnd()))) return [];
  const end = last.getEnd();
  const indent = indentAt(sf, first.getStart());
  const unit = indentUnit(sf);
  const eol = eolOf(sf);
  const inner: { start: number; end: number; text: string }[] = [];
  for (const stmt of block.getStatements().slice(block.getStatements().indexOf(first), block.getStatements().indexOf(last) + 1)) {
    stmt.forEachDescendant((n) => {
      if (!Node.isCallExpression(n)) return;
      const callee = n.getExpression();
      if (Node.isPropertyAccessExpression(callee) && callee.getExpression().getText() === pool && /^query$/.test(callee.getName())) {
        const recv = callee.getExpression();
        inner.push({ start: recv.getStart(), end: recv.getEnd(), text: 'tx' });
      }
    });
  }
  let body = sf.getFullText().slice(start, end);
  for (const r of [...inner].sort((a, b) => b.start - a.start)) {
    body = body.slice(0, r.start - start) + r.text + body.slice(r.end - start);
  }
  body = body.split(/\r?\n/).map((l) => (l.trim() ? unit + l : l)).join(eol);
  const q = quoteOf(sf);
  const consumerName = `${q}${(consumer.channel ?? path.posix.basename(file).replace(/\.[cm]?ts$/, '')).replace(/[\\'"]/g, '')}${q}`;
  const wrapped = `${indent}await ${HELPER}(${pool}, ${consumerName}, ${identity.id}, async (${inner.length ? 'tx' : ''}) => {${eol}${body}${eol}${indent}});`;

  const edits: TextEdit[] = [...identity.edits, replaceRange(file, sf, start, end, wrapped)];
  const specifier = relativeSpecifier(file, helper.file, sf);
  if (!importsHelper(sf, specifier)) edits.push(importEdit(file, sf, HELPER, specifier));
  if (helper.text !== undefined) edits.push(createFile(helper.file, helper.text));
  if (table.migration) edits.push(createFile(table.migration.file, table.migration.text));
  return [{ title: `${INBOX_FIX_TITLE} (dedupe on ${identity.label})`, edits, isPreferred: true }];
}

function isAsync(fn: Node): boolean {
  return (fn as unknown as { isAsync?(): boolean }).isAsync?.() === true;
}

/** An expression for a pg Pool the handler can use: one it already names, a class member, or a module-level pool of its file. */
function poolIn(model: SystemModel, handler: Node): string | undefined {
  const isPool = (n: Node) => {
    try {
      if (model.analysis.typeOf(n) === 'pg.Pool') return true;
      const parent = n.getParent();
      if (Node.isIdentifier(n) && parent && Node.isShorthandPropertyAssignment(parent)) {
        const decl = variableOf(n);
        return !!decl && model.analysis.typeOf(decl.getNameNode()) === 'pg.Pool';
      }
    } catch {
      return false;
    }
    return false;
  };
  for (const n of handler.getDescendants()) {
    if (Node.isPropertyAccessExpression(n) && Node.isThisExpression(n.getExpression()) && isPool(n)) return n.getText();
    if (Node.isIdentifier(n) && !Node.isPropertyAccessExpression(n.getParent()) && isPool(n) && declaredOutside(n, handler)) return n.getText();
    if (Node.isIdentifier(n) && Node.isPropertyAccessExpression(n.getParent()) && (n.getParent() as Node).getFirstChild() === n && isPool(n) && declaredOutside(n, handler)) return n.getText();
  }
  const cls = handler.getFirstAncestor((a) => Node.isClassDeclaration(a));
  if (cls && Node.isClassDeclaration(cls) && Node.isMethodDeclaration(handler)) {
    for (const p of cls.getProperties()) if (!p.isStatic() && model.analysis.typeOf(p.getNameNode()) === 'pg.Pool') return `this.${p.getName()}`;
    for (const p of cls.getConstructors()[0]?.getParameters() ?? []) {
      if (p.getScope() !== undefined || p.isReadonly()) {
        if (model.analysis.typeOf(p.getNameNode()) === 'pg.Pool') return `this.${p.getName()}`;
      }
    }
  }
  for (const stmt of handler.getSourceFile().getVariableStatements()) {
    for (const d of stmt.getDeclarations()) {
      const name = d.getNameNode();
      if (Node.isIdentifier(name) && model.analysis.typeOf(name) === 'pg.Pool' && !shadowed(handler, name.getText())) return name.getText();
    }
  }
  return undefined;
}

function declaredOutside(id: Node, handler: Node): boolean {
  try {
    const parent = id.getParent();
    const shorthand = parent && Node.isShorthandPropertyAssignment(parent) ? parent.getValueSymbol() : undefined;
    const decl = (shorthand ?? id.getSymbol())?.getDeclarations()[0];
    return !!decl && !handler.containsRange(decl.getPos(), decl.getEnd());
  } catch {
    return false;
  }
}

/** True when the handler declares its own `name` (a parameter or a local), hiding the module's. */
function shadowed(handler: Node, name: string): boolean {
  return [handler, ...handler.getDescendants()].some((n) =>
    (Node.isVariableDeclaration(n) || Node.isParameterDeclaration(n) || Node.isBindingElement(n) || Node.isFunctionDeclaration(n)) && n.getName() === name);
}

/**
 * The statements to run inside the inbox transaction: from the first to the
 * last statement (of the innermost block holding them all) that leads to a
 * side effect, extended over later statements that use what they declare.
 * Undefined when moving them into a callback would change what they do (a
 * `return` with a value, `break`/`continue` out of them, `yield`).
 */
function wrapRange(model: SystemModel, consumer: Fact): { block: Block; first: Statement; last: Statement } | undefined {
  const handler = consumer.handler!;
  const body = (handler as unknown as { getBody?(): Node | undefined }).getBody?.();
  if (!body || !Node.isBlock(body)) return undefined;
  const vias = model.effects.of(handler)
    .filter((r) => r.fact.nonIdempotent && RISKY.includes(r.fact.kind) && !isGuardTable(r.fact.table))
    .map((r) => r.via);
  if (!vias.length) return undefined;
  let block: Node | undefined = vias[0].getFirstAncestor((a) => Node.isBlock(a));
  while (block && !vias.every((v) => block!.containsRange(v.getPos(), v.getEnd()))) block = block.getParent()?.getFirstAncestor((a) => Node.isBlock(a));
  if (!block || !Node.isBlock(block) || !body.containsRange(block.getPos(), block.getEnd())) return undefined;
  const owner = block.getFirstAncestor(isFunctionLike);
  if (!owner || !isAsync(owner)) return undefined;
  const statements = block.getStatements();
  const holding = (s: Statement) => vias.some((v) => s.containsRange(v.getPos(), v.getEnd()));
  let firstIndex = statements.findIndex(holding);
  let lastIndex = statements.length - 1 - [...statements].reverse().findIndex(holding);
  if (firstIndex < 0) return undefined;
  // Later statements that read a name declared in the range come along.
  for (let changed = true; changed;) {
    changed = false;
    const declared = new Set<string>();
    for (const s of statements.slice(firstIndex, lastIndex + 1)) {
      if (Node.isVariableStatement(s)) {
        for (const d of s.getDeclarations()) {
          const name = d.getNameNode();
          if (Node.isIdentifier(name)) declared.add(name.getText());
          else name.getDescendantsOfKind(SyntaxKind.Identifier).forEach((i) => declared.add(i.getText()));
        }
      }
      if (Node.isFunctionDeclaration(s) || Node.isClassDeclaration(s)) { const n = s.getName(); if (n) declared.add(n); }
    }
    for (let i = lastIndex + 1; i < statements.length; i++) {
      if (statements[i].getDescendantsOfKind(SyntaxKind.Identifier).some((id) => declared.has(id.getText()))) {
        lastIndex = i;
        changed = true;
      }
    }
  }
  const range = statements.slice(firstIndex, lastIndex + 1);
  for (const s of range) {
    for (const n of [s, ...s.getDescendants()]) {
      const fn = n.getFirstAncestor(isFunctionLike);
      if (fn !== owner) continue; // inside a nested function: its own control flow
      if (Node.isYieldExpression(n)) return undefined;
      if (Node.isReturnStatement(n)) {
        if (n.getExpression()) return undefined;
        // A bare return skips the rest of the handler: fine only when nothing follows the range.
        if (block !== body || lastIndex !== statements.length - 1) return undefined;
      }
      if (Node.isBreakStatement(n) || Node.isContinueStatement(n)) {
        const target = n.getFirstAncestor((a) => Node.isIterationStatement(a) || Node.isSwitchStatement(a) || Node.isLabeledStatement(a));
        if (!target || !range.some((r) => r.containsRange(target.getPos(), target.getEnd()))) return undefined;
      }
    }
  }
  firstIndex = Math.max(0, firstIndex);
  return { block, first: statements[firstIndex], last: statements[lastIndex] };
}

/** The service's inbox table (its id and consumer columns), or a new one with its migration. */
function inboxTable(model: SystemModel, dir: string): InboxTable | undefined {
  const existing = sqlTables(model, dir, isGuardTable);
  if (existing.length) return mapExisting(existing[0]);
  const text = [
    '-- Inbox: one row per handled message, written in the same transaction as the',
    '-- handler\'s work (see withInbox). A redelivered message finds its row and is skipped.',
    'CREATE TABLE IF NOT EXISTS inbox (',
    '  consumer    text        NOT NULL,',
    '  message_id  text        NOT NULL,',
    '  received_at timestamptz NOT NULL DEFAULT now(),',
    '  PRIMARY KEY (consumer, message_id)',
    ');',
    '',
  ].join('\n');
  return { table: 'inbox', idColumn: 'message_id', consumerColumn: 'consumer', migration: { file: newMigrationPath(model, dir, 'inbox'), text } };
}

const ID_COLUMNS = ['message_id', 'event_id', 'msg_id', 'messageid', 'eventid', 'idempotency_key', 'id', 'key'];
const CONSUMER_COLUMNS = ['consumer', 'source', 'handler', 'consumer_group', 'subscriber', 'topic', 'queue', 'channel'];

function mapExisting(table: SqlTable): InboxTable | undefined {
  const byName = new Map(table.columns.map((c) => [c.name.toLowerCase(), c]));
  const id = ID_COLUMNS.map((n) => byName.get(n)).find((c) => c && !c.hasDefault);
  if (!id) return undefined;
  const consumer = CONSUMER_COLUMNS.map((n) => byName.get(n)).find((c) => c && c !== id);
  // Any other column the insert must fill: the fix cannot know its value.
  const unfilled = table.columns.filter((c) => c !== id && c !== consumer && c.notNull && !c.hasDefault);
  if (unfilled.length) return undefined;
  return { table: table.name, idColumn: id.name, consumerColumn: consumer?.name };
}

/** The helper module: an existing one from an earlier fix, or a new one. */
function helperModule(model: SystemModel, dir: string, handlerFile: string, table: InboxTable): { file: string; text?: string } | undefined {
  const folder = moduleDir(model, dir, handlerFile);
  for (const name of ['inbox.ts', 'message-inbox.ts']) {
    const file = path.posix.join(folder, name);
    if (!exists(model, file)) return { file, text: helperText(table) };
    if (new RegExp(`export\\s+async\\s+function\\s+${HELPER}\\b`).test(fileText(model, file) ?? '')) return { file };
  }
  return undefined;
}

function helperText(table: InboxTable): string {
  const columns = table.consumerColumn ? `${table.consumerColumn}, ${table.idColumn}` : table.idColumn;
  const values = table.consumerColumn ? '$1, $2' : '$1';
  const params = table.consumerColumn ? '[consumer, messageId]' : '[messageId]';
  return [
    "import type { Pool, PoolClient } from 'pg';",
    '',
    '/**',
    ' * Runs `work` at most once per message. The message id is recorded in the',
    ` * ${table.table} table (INSERT ... ON CONFLICT DO NOTHING) in one transaction with`,
    ' * what `work` writes through `tx`, committed only when `work` succeeds; a',
    ' * redelivered message finds its id there and is skipped. Returns false for a',
    ' * duplicate. Work done on other connections is not part of the transaction:',
    ' * if the commit fails after it, a redelivery repeats it.',
    ' */',
    `export async function ${HELPER}(`,
    '  pool: Pool,',
    '  consumer: string,',
    '  messageId: string | undefined,',
    '  work: (tx: PoolClient) => Promise<void>,',
    '): Promise<boolean> {',
    '  if (!messageId) throw new Error(`${consumer}: the message carries no id to deduplicate on`);',
    '  const tx = await pool.connect();',
    '  try {',
    "    await tx.query('BEGIN');",
    '    const claimed = await tx.query(',
    `      'INSERT INTO ${table.table} (${columns}) VALUES (${values}) ON CONFLICT DO NOTHING',`,
    `      ${params},`,
    '    );',
    '    if (claimed.rowCount === 0) {',
    "      await tx.query('ROLLBACK');",
    '      return false;',
    '    }',
    '    await work(tx);',
    "    await tx.query('COMMIT');",
    '    return true;',
    '  } catch (err) {',
    "    await tx.query('ROLLBACK');",
    '    throw err;',
    '  } finally {',
    '    tx.release();',
    '  }',
    '}',
    '',
  ].join('\n');
}

function importsHelper(sf: Node, specifier: string): boolean {
  if (!Node.isSourceFile(sf)) return false;
  return sf.getImportDeclarations().some((d) => d.getModuleSpecifierValue() === specifier && d.getNamedImports().some((n) => n.getName() === HELPER));
}
