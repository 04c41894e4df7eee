/** Fact builders shared by the library tables. */
import { Node } from 'ts-morph';
import type { Fact, CorrelationState } from '../facts';
import type { Analysis } from '../analysis';
import { classifySql, isGuardTable, isOutboxTable } from '../sql';
import { calleeName, correlationProps, envVarsIn, parameterNames, receiver, stringValue, urlsIn } from '../syntax';

export function consumerFact(library: string, registration: Node, reportAt: Node, handler: Node | undefined,
  channel: string | undefined, detail: string): Fact {
  return {
    kind: 'consumer', node: reportAt, library, detail, handler, channel,
    messageNames: parameterNames(handler),
  };
}

/**
 * A publish fact. `carriers` are the nodes that may hold headers or payload
 * (message objects, options); undefined entries mean "not given" and an
 * entry that is not a literal makes the correlation state unknown.
 */
export function publishFact(library: string, call: Node, detail: string, channel: string | undefined,
  carriers: (Node | undefined)[], opts: { nonIdempotent?: boolean; opaque?: boolean } = {}): Fact {
  const values: Node[] = [];
  let state: CorrelationState = 'absent';
  for (const carrier of carriers) {
    if (!carrier) continue;
    values.push(...correlationProps(carrier));
    if (!isInspectable(carrier)) state = 'unknown';
  }
  if (values.length) state = 'present';
  if (opts.opaque && state === 'absent') state = 'unknown';
  return {
    kind: 'publish', node: calleeName(call), library, detail, channel,
    correlation: state, correlationValues: values, nonIdempotent: opts.nonIdempotent ?? true,
  };
}

/** A carrier we can see into: an object/array literal built from literals (spreads of unknown objects are not). */
function isInspectable(node: Node): boolean {
  if (Node.isObjectLiteralExpression(node)) {
    return node.getProperties().every((p) => !Node.isSpreadAssignment(p));
  }
  if (Node.isArrayLiteralExpression(node)) return node.getElements().every(isInspectable);
  if (Node.isCallExpression(node)) {
    // JSON.stringify({...}) / Buffer.from(JSON.stringify({...}))
    const a = node.getArguments()[0];
    return !!a && isInspectable(a);
  }
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node) || Node.isTemplateExpression(node)) return true;
  return false;
}

export function sqlFacts(library: string, call: Node, sqlNode: Node | undefined, analysis: Analysis): Fact[] {
  const text = stringValue(sqlNode);
  if (text === undefined) return [];
  const info = classifySql(text);
  const at = calleeName(call);
  const facts: Fact[] = [];
  const recv = receiver(call);
  const clientKey = recv ? clientKeyOf(recv, analysis) : undefined;
  if (info.twoPhase) facts.push({ kind: 'twoPhase', node: at, library, detail: info.twoPhase });
  if (info.advisoryLock) facts.push({ kind: 'lock', node: at, library, detail: `${info.advisoryLock}()` });
  switch (info.verb) {
    case 'insert': {
      const guard = isGuardTable(info.table) || (info.onConflict === 'nothing' && /message|event|idempot|dedup/i.test(info.conflictTarget ?? ''));
      if (guard) facts.push({ kind: 'guard', node: at, library, detail: `INSERT INTO ${info.table}${info.onConflict ? ' ON CONFLICT DO NOTHING' : ''}`, table: info.table });
      facts.push({
        kind: 'write', node: at, library, table: info.table, clientKey,
        detail: `INSERT INTO ${info.table ?? '?'}`,
        nonIdempotent: !guard && !info.onConflict && !isOutboxTable(info.table),
      });
      break;
    }
    case 'update':
      facts.push({ kind: 'write', node: at, library, table: info.table, clientKey, detail: `UPDATE ${info.table ?? '?'}${info.increment ? ' (increment)' : ''}`, nonIdempotent: info.increment });
      break;
    case 'delete':
      facts.push({ kind: 'write', node: at, library, table: info.table, clientKey, detail: `DELETE FROM ${info.table ?? '?'}`, nonIdempotent: false });
      break;
    case 'select':
      if (isGuardTable(info.table)) facts.push({ kind: 'guard', node: at, library, detail: `SELECT FROM ${info.table}`, table: info.table });
      else facts.push({ kind: 'read', node: at, library, table: info.table, detail: `SELECT FROM ${info.table ?? '?'}` });
      break;
    case 'begin':
    case 'commit':
      facts.push({ kind: 'tx', node: at, library, detail: info.verb.toUpperCase(), clientKey });
      break;
    default:
      break;
  }
  return facts;
}

/** Identity of the client a call runs on: the declaration its receiver resolves to, else its text. */
export function clientKeyOf(recv: Node, _analysis: Analysis): string {
  try {
    const symbol = Node.isPropertyAccessExpression(recv) ? recv.getNameNode().getSymbol() : recv.getSymbol();
    const decl = symbol?.getDeclarations()[0];
    if (decl) return `${decl.getSourceFile().getFilePath()}:${decl.getStart()}`;
  } catch {
    // fall through
  }
  return `${recv.getSourceFile().getFilePath()}:${recv.getText()}`;
}

export function writeFact(library: string, call: Node, detail: string, nonIdempotent: boolean, table?: string): Fact[] {
  const at = calleeName(call);
  if (isGuardTable(table)) {
    return [{ kind: 'guard', node: at, library, detail, table }, { kind: 'write', node: at, library, detail, table, nonIdempotent: false }];
  }
  return [{ kind: 'write', node: at, library, detail, table, nonIdempotent: nonIdempotent && !isOutboxTable(table) }];
}

export function clientFact(library: string, node: Node, store: string, config: Node[], extraEnv: string[] = []): Fact {
  const envVars = new Set<string>(extraEnv);
  const urls = new Set<string>();
  for (const c of config) {
    envVarsIn(c).forEach((e) => envVars.add(e));
    urlsIn(c).forEach((u) => urls.add(u));
  }
  return {
    kind: 'client', node: Node.isNewExpression(node) || Node.isCallExpression(node) ? node.getExpression() : node,
    library, store, detail: `${library} client`, envVars: [...envVars].sort(), urls: [...urls].sort(),
  };
}

export function httpFact(library: string, call: Node, method: string, urlNode: Node | undefined,
  headerCarriers: (Node | undefined)[], analysis: Analysis): Fact {
  const urlText = urlNode ? urlNode.getText() : '';
  const target = analysis.hooks.serviceForUrl(urlText, call.getSourceFile().getFilePath());
  const values: Node[] = [];
  let state: CorrelationState = 'absent';
  let idempotencyKey = false;
  for (const c of headerCarriers) {
    if (!c) continue;
    values.push(...correlationProps(c));
    if (/idempotency[-_]?key/i.test(c.getText())) idempotencyKey = true;
    if (!Node.isObjectLiteralExpression(c) || c.getProperties().some((p) => Node.isSpreadAssignment(p))) state = 'unknown';
    const headers = Node.isObjectLiteralExpression(c) ? c.getProperty('headers') : undefined;
    if (headers && Node.isPropertyAssignment(headers) && !Node.isObjectLiteralExpression(headers.getInitializerOrThrow())) state = 'unknown';
  }
  if (values.length) state = 'present';
  const upper = method.toUpperCase();
  return {
    kind: 'http', node: calleeName(call), library, method: upper, target,
    detail: `HTTP ${upper} ${urlNode ? urlNode.getText().slice(0, 60) : ''}`.trim(),
    nonIdempotent: ['POST', 'PATCH'].includes(upper) && !idempotencyKey,
    correlation: state, correlationValues: values,
  };
}
