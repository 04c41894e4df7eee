/**
 * dual-write: "Route through a transactional outbox". The kafkajs
 * `producer.send` becomes an INSERT into the outbox table on the pg client
 * the flow writes with, inside its transaction: the one the flow already runs
 * (`client.query('BEGIN')` ... `COMMIT`), else a new one around the writes
 * and the insert. Adds the outbox migration and a polling relay (FOR UPDATE
 * SKIP LOCKED, published with the service's kafkajs producer) when the
 * service has no outbox table. The user's topic, key, payload and header
 * expressions move into the insert unchanged.
 *
 * Offered when the publish and the writes are in the flow's own body on one
 * pg pool or client; writes made inside other functions, other datastores
 * and other brokers get no fix.
 *
 * This file rewrites the flow; outboxTable.ts maps the message onto the
 * outbox table's columns, outboxRelay.ts holds the migration and relay added.
 */
import { Node, SyntaxKind, type CallExpression, type PropertyAccessExpression, type SourceFile, type Statement } from 'ts-morph';
import type { Reached } from '../facts/effects';
import type { SystemModel } from '../model';
import type { Fix, TextEdit } from '../types';
import { isFunctionLike } from '../facts/analysis';
import { isOutboxTable } from '../facts/sql';
import { callOf } from './correlation';
import { randomUUIDIn } from './imports';
import { propOf } from './objects';
import { createFile, eolOf, indentAt, indentUnit, lineStartOf, quoteOf, replaceRange } from './text';
import { serviceDir } from './workspace';
import { insertText, outboxColumns, UUID, type MessageParts } from './outboxTable';

export const OUTBOX_FIX_TITLE = 'Route through a transactional outbox';

export function outboxFix(model: SystemModel, fn: Node, publish: Reached): Fix[] {
  if (publish.path.length || publish.fact.kind !== 'publish' || publish.fact.library !== 'kafkajs') return [];
  const call = callOf(publish.fact.node);
  const callee = call?.getExpression();
  if (!call || !callee || !Node.isPropertyAccessExpression(callee) || callee.getName() !== 'send') return [];
  const file = model.relOf(call);
  if (!/\.(ts|mts|cts)$/.test(file)) return [];
  const sf = call.getSourceFile();
  const publishStmt = call.getFirstAncestor((a) => Node.isStatement(a) && Node.isBlock(a.getParent() ?? a)) as Statement | undefined;
  if (!publishStmt || !Node.isExpressionStatement(publishStmt) || !isAwaitOf(publishStmt, call)) return [];
  const block = publishStmt.getParent();
  if (!block || !Node.isBlock(block) || block.getFirstAncestor(isFunctionLike) !== fn) return [];

  // What is sent: topic and messages written as literals.
  const opts = call.getArguments()[0];
  if (!opts || !Node.isObjectLiteralExpression(opts)) return [];
  const topic = propOf(opts, 'topic')?.init;
  const messagesNode = propOf(opts, 'messages')?.init;
  if (!topic || !messagesNode || !Node.isArrayLiteralExpression(messagesNode) || !messagesNode.getElements().length) return [];
  const messages: MessageParts[] = [];
  for (const m of messagesNode.getElements()) {
    if (!Node.isObjectLiteralExpression(m)) return [];
    const value = propOf(m, 'value')?.init;
    const headers = propOf(m, 'headers')?.init;
    if (!value || !isJsonText(value) || (headers && !Node.isObjectLiteralExpression(headers))) return [];
    if (m.getProperties().some((p) => !Node.isPropertyAssignment(p) && !Node.isShorthandPropertyAssignment(p))) return [];
    messages.push({ key: propOf(m, 'key')?.init, value, headers });
  }

  // The writes of the flow: all in its own body, on one pg pool or client.
  const writes = model.effects.of(fn).filter((r) => r.fact.kind === 'write' && !isOutboxTable(r.fact.table) && r.fact.library !== 'redis');
  if (!writes.length || writes.some((w) => w.path.length || (w.fact.library !== 'pg' && w.fact.library !== 'typeorm'))) return [];
  const receivers = new Set(writes.map((w) => receiverOf(w.fact.node)?.getText()));
  if (receivers.size !== 1) return [];
  const receiver = receiverOf(writes[0].fact.node)!;
  const receiverType = model.analysis.typeOf(receiver);
  const flavour = receiverType?.startsWith('typeorm.') ? 'typeorm' : 'pg';
  if (receiverType !== 'pg.Pool' && receiverType !== 'pg.Client' && receiverType !== 'typeorm.EntityManager') return [];

  const dir = serviceDir(model, fn);
  const outbox = outboxColumns(model, dir, file, messages, flavour);
  if (!outbox) return [];
  const uuid = randomUUIDIn(file, sf);
  const needsUuid = outbox.columns.some((c) => c.value(messages[0], topic) === UUID);

  const eol = eolOf(sf);
  const unit = indentUnit(sf);
  const edits: TextEdit[] = [];
  const inserts = (client: string, indent: string) => messages.map((m) => insertText(sf, outbox, m, topic, client, indent, unit, eol, uuid.call)).join(eol);

  const manager = receiverType === 'typeorm.EntityManager' ? transactionManager(model, receiver, fn) : undefined;
  if (receiverType === 'typeorm.EntityManager' && !manager) return [];
  if (manager && 'callback' in manager) {
    // Inside `dataSource.transaction(async (manager) => ...)`: the insert goes through that manager.
    const indent = indentAt(sf, publishStmt.getStart());
    edits.push(replaceRange(file, sf, lineStartOf(sf, publishStmt.getStart()), publishStmt.getEnd(), inserts(manager.client, indent)));
  } else if (receiverType === 'pg.Client' || manager) {
    // The flow runs its own transaction: insert before its commit (or where the publish was, when that is inside it).
    const name = manager ? manager.client : receiver.getText();
    let begin: CallExpression | undefined;
    let commit: CallExpression | undefined;
    if (manager) {
      begin = manager.begin;
      commit = manager.commit;
    } else {
      const txCalls = fn.getDescendantsOfKind(SyntaxKind.CallExpression).filter((c) => sqlOf(c, name));
      begin = txCalls.find((c) => /^\s*(BEGIN|START TRANSACTION)\b/i.test(sqlOf(c, name)!));
      commit = txCalls.find((c) => /^\s*COMMIT\s*;?\s*$/i.test(sqlOf(c, name)!));
    }
    if (!begin || !commit) return [];
    const commitStmt = statementOf(commit);
    if (!commitStmt) return [];
    if (publishStmt.getStart() > begin.getEnd() && publishStmt.getEnd() < commit.getStart()) {
      const indent = indentAt(sf, publishStmt.getStart());
      edits.push(replaceRange(file, sf, lineStartOf(sf, publishStmt.getStart()), publishStmt.getEnd(), inserts(name, indent)));
    } else if (publishStmt.getStart() > commit.getEnd() && commitStmt.getFirstAncestor(isFunctionLike) === fn) {
      // Moving the send before the commit: everything it reads must be there by then.
      const declaredBetween = fn.getDescendantsOfKind(SyntaxKind.VariableDeclaration)
        .filter((d) => d.getStart() > commitStmt.getEnd() && d.getEnd() < publishStmt.getStart()).map((d) => d.getName());
      const reads = new Set(publishStmt.getDescendantsOfKind(SyntaxKind.Identifier).map((i) => i.getText()));
      if (declaredBetween.some((n) => reads.has(n))) return [];
      const indent = indentAt(sf, commitStmt.getStart());
      edits.push(replaceRange(file, sf, lineStartOf(sf, commitStmt.getStart()), lineStartOf(sf, commitStmt.getStart()), `${inserts(name, indent)}${eol}`));
      edits.push(replaceRange(file, sf, lineStartOf(sf, publishStmt.getStart()), nextLineStart(sf, publishStmt.getEnd()), ''));
    } else {
      return [];
    }
  } else {
    // Writes on the pool: run them and the insert in one transaction on a connection of it.
    if (block.getFirstAncestor(isFunctionLike) !== fn || !isAsync(fn)) return [];
    const statements = block.getStatements();
    const writeStmts = writes.map((w) => statements.find((s) => s.containsRange(w.via.getPos(), w.via.getEnd())));
    if (writeStmts.some((s) => !s)) return [];
    const firstIndex = Math.min(...writeStmts.map((s) => statements.indexOf(s!)));
    const publishIndex = statements.indexOf(publishStmt);
    if (firstIndex > publishIndex) return [];
    const range = statements.slice(firstIndex, publishIndex + 1);
    if (!movable(range, statements.slice(publishIndex + 1), fn)) return [];
    const pool = receiver.getText();
    const client = freeName(fn, ['client', 'tx', 'outboxClient']);
    const first = range[0];
    const start = lineStartOf(sf, first.getStart());
    if (sf.getFullText().slice(start, first.getStart()).trim()) return [];
    const indent = indentAt(sf, first.getStart());
    const inner = indent + unit;
    let body = '';
    const text = sf.getFullText();
    // The statements before the publish, with `pool.query` moved onto the client, one level deeper.
    const before = range.slice(0, -1);
    if (before.length) {
      const from = start;
      const to = before[before.length - 1].getEnd();
      let chunk = text.slice(from, to);
      const swaps = before.flatMap((s) => s.getDescendantsOfKind(SyntaxKind.CallExpression))
        .map((c) => c.getExpression())
        .filter((e): e is PropertyAccessExpression => Node.isPropertyAccessExpression(e) && e.getExpression().getText() === pool && e.getName() === 'query')
        .map((e) => e.getExpression())
        .sort((a, b) => b.getStart() - a.getStart());
      for (const r of swaps) chunk = chunk.slice(0, r.getStart() - from) + client + chunk.slice(r.getEnd() - from);
      body = chunk.split(/\r?\n/).map((l) => (l.trim() ? unit + l : l)).join(eol) + eol;
      // Blank lines and comments between the last statement and the publish stay.
      const gap = text.slice(to, lineStartOf(sf, publishStmt.getStart()));
      body += gap.replace(/^[^\n]*\n/, '').split(/\r?\n/).map((l) => (l.trim() ? unit + l : l)).join(eol);
    }
    const q = quoteOf(sf);
    const wrapped = [
      `${indent}const ${client} = await ${pool}.connect();`,
      `${indent}try {`,
      `${inner}await ${client}.query(${q}BEGIN${q});`,
      `${body}${inserts(client, inner)}`,
      `${inner}await ${client}.query(${q}COMMIT${q});`,
      `${indent}} catch (err) {`,
      `${inner}await ${client}.query(${q}ROLLBACK${q});`,
      `${inner}throw err;`,
      `${indent}} finally {`,
      `${inner}${client}.release();`,
      `${indent}}`,
    ].join(eol);
    edits.push(replaceRange(file, sf, start, publishStmt.getEnd(), wrapped));
  }
  if (needsUuid) edits.unshift(...uuid.edits);
  if (outbox.migration) edits.push(createFile(outbox.migration.file, outbox.migration.text));
  if (outbox.relay) edits.push(createFile(outbox.relay.file, outbox.relay.text));
  const extras = [outbox.migration && 'table', outbox.relay && 'relay'].filter(Boolean);
  const title = `${OUTBOX_FIX_TITLE} (insert into ${outbox.table} in the write's transaction${extras.length ? `; adds the outbox ${extras.join(' and ')}` : ''})`;
  return [{ title, edits, isPreferred: true }];
}

function isAsync(fn: Node): boolean {
  return (fn as unknown as { isAsync?(): boolean }).isAsync?.() === true;
}

function isAwaitOf(stmt: Node, call: CallExpression): boolean {
  if (!Node.isExpressionStatement(stmt)) return false;
  const e = stmt.getExpression();
  return (Node.isAwaitExpression(e) && e.getExpression() === call) || e === call;
}

/**
 * The TypeORM transaction a manager belongs to: the callback parameter of
 * `x.transaction(async (manager) => ...)` (the fact's function), or
 * `runner.manager` of a QueryRunner the flow starts and commits.
 */
function transactionManager(model: SystemModel, receiver: Node, fn: Node):
  { callback: true; client: string } | { client: string; begin: CallExpression; commit: CallExpression } | undefined {
  if (Node.isIdentifier(receiver)) {
    const params = (fn as unknown as { getParameters?(): Node[] }).getParameters?.() ?? [];
    const call = fn.getParent();
    const isParam = params.some((p) => Node.isParameterDeclaration(p) && p.getName() === receiver.getText());
    if (isParam && call && Node.isCallExpression(call) && /\.transaction$/.test(call.getExpression().getText())) return { callback: true, client: receiver.getText() };
    return undefined;
  }
  if (Node.isPropertyAccessExpression(receiver) && receiver.getName() === 'manager') {
    const runner = receiver.getExpression();
    if (model.analysis.typeOf(runner) !== 'typeorm.QueryRunner') return undefined;
    const name = runner.getText();
    const calls = fn.getDescendantsOfKind(SyntaxKind.CallExpression);
    const method = (m: string) => calls.find((c) => c.getExpression().getText() === `${name}.${m}`);
    const begin = method('startTransaction');
    const commit = method('commitTransaction');
    return begin && commit ? { client: name, begin, commit } : undefined;
  }
  return undefined;
}

/** `JSON.stringify(...)`: text a jsonb column takes as it is. */
function isJsonText(node: Node): boolean {
  return Node.isCallExpression(node) && node.getExpression().getText() === 'JSON.stringify';
}

function receiverOf(nameNode: Node): Node | undefined {
  const access = nameNode.getParent();
  return access && Node.isPropertyAccessExpression(access) ? access.getExpression() : undefined;
}

/** The SQL text of `<client>.query('...')`, if the call is one. */
function sqlOf(call: CallExpression, client: string): string | undefined {
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getName() !== 'query' || callee.getExpression().getText() !== client) return undefined;
  const arg = call.getArguments()[0];
  return arg && (Node.isStringLiteral(arg) || Node.isNoSubstitutionTemplateLiteral(arg)) ? arg.getLiteralValue() : undefined;
}

function statementOf(node: Node): Statement | undefined {
  const stmt = node.getFirstAncestor((a) => Node.isExpressionStatement(a));
  return stmt && Node.isExpressionStatement(stmt) ? stmt : undefined;
}

function nextLineStart(sf: SourceFile, pos: number): number {
  const text = sf.getFullText();
  const nl = text.indexOf('\n', pos);
  return nl < 0 ? text.length : nl + 1;
}

function freeName(fn: Node, candidates: string[]): string {
  const used = new Set(fn.getDescendantsOfKind(SyntaxKind.Identifier).map((i) => i.getText()));
  return candidates.find((c) => !used.has(c)) ?? `${candidates[0]}${used.size}`;
}

/** Statements that can move into a `try` block: no `return`/`break`/`continue` out of them, and nothing after them reads what they declare. */
function movable(range: Statement[], after: Statement[], fn: Node): boolean {
  const declared = new Set<string>();
  for (const s of range) {
    if (Node.isVariableStatement(s)) {
      for (const d of s.getDeclarations()) {
        const n = d.getNameNode();
        if (Node.isIdentifier(n)) declared.add(n.getText());
        else n.getDescendantsOfKind(SyntaxKind.Identifier).forEach((i) => declared.add(i.getText()));
      }
    }
    for (const n of [s, ...s.getDescendants()]) {
      if (n.getFirstAncestor(isFunctionLike) !== fn) continue;
      if (Node.isReturnStatement(n) || Node.isYieldExpression(n)) return false;
      if (Node.isBreakStatement(n) || Node.isContinueStatement(n)) {
        const target = n.getFirstAncestor((a) => Node.isIterationStatement(a) || Node.isSwitchStatement(a) || Node.isLabeledStatement(a));
        if (!target || !range.some((r) => r.containsRange(target.getPos(), target.getEnd()))) return false;
      }
    }
  }
  return !after.some((s) => s.getDescendantsOfKind(SyntaxKind.Identifier).some((i) => declared.has(i.getText())));
}
