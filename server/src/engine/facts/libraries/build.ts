/**
 * Fact builders shared by the library tables: a consumer, a publish (with
 * what its message carries, see carrierInspection.ts), SQL statements, writes,
 * a datastore client (its connection settings), an outgoing HTTP call, and
 * the options object of a NestJS dynamic module.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { Fact, CorrelationState } from '../facts';
import type { Analysis } from '../analysis';
import type { TransportId } from './delivery';
import { classifySql, isGuardTable, isOutboxTable } from '../sql';
import { isQueryEndpoint, targetText, urlOrigin } from '../urlOrigin';
import { urlEnvVars } from '../../workspace/serviceUrls';
import { calleeName, declarationOf, objectLiteral, parameterNames, parameterOf, prop, receiver, stringValue } from '../syntax';
import { envVarsIn, urlsIn } from '../envReads';
import { inspectCarrier } from './carrierInspection';
import { entityIdKeysIn } from './entityIds';
import { channelEnd } from '../channelIdentity';
import { isEmptyBody, literalString } from './staticValues';

/** A fact with the symbolic identities of its channel name (channelIdentity.ts), when there are any. */
export function withChannelIds(fact: Fact, ids: string[] | undefined): Fact {
  return ids?.length ? { ...fact, channelIds: ids } : fact;
}

export function consumerFact(library: string, registration: Node, reportAt: Node, handler: Node | undefined,
  channel: string | undefined, detail: string, transport?: TransportId): Fact {
  return {
    kind: 'consumer', node: reportAt, library, detail, handler, channel,
    messageNames: parameterNames(handler),
    ...(transport ? { transport } : {}),
  };
}

/** The names a reply address goes by in a request: `msg.reply` (NATS), `message.replyTo`, `properties.replyTo`, `responseTopic` (MQTT 5). */
const REPLY_NAMES = 'reply|replyTo|reply_to|replySubject|responseTopic';
const REPLY_ADDRESS = new RegExp(`\\.(${REPLY_NAMES})$`, 'i');
const REPLY_NAME = new RegExp(`^(${REPLY_NAMES})$`, 'i');

/**
 * True when an expression is a reply address read from the request: written out
 * (`msg.properties.replyTo`), or through a `const` holding it (`const replyTo = msg.properties.replyTo`,
 * `const { replyTo } = msg.properties`).
 */
export function isReplyAddress(node: Node | undefined): boolean {
  if (!node) return false;
  if (REPLY_ADDRESS.test(node.getText().replace(/[!\s]+$/, ''))) return true;
  const decl = Node.isIdentifier(node) ? declarationOf(node) : undefined;
  if (decl && Node.isBindingElement(decl)) return REPLY_NAME.test(decl.getPropertyNameNode()?.getText() ?? decl.getName());
  const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  return !!init && REPLY_ADDRESS.test(init.getText().replace(/[!\s]+$/, ''));
}

/**
 * A publish fact. `carriers` are the nodes that may hold headers or payload
 * (message objects, options); undefined entries mean "not given" and an
 * entry that is not a literal makes the correlation state unknown.
 * `opts.payload` is the argument the transport takes the message body in
 * (its node undefined when the call leaves it out), for libraries whose body
 * is one argument: a body that is statically empty is recorded (`emptyBody`),
 * or, when it is a parameter of the enclosing function, left to its callers
 * (`payloadParams`).
 */

function callerChannel(node: Node): Pick<Fact, 'channelFrom'> {
  const from = channelEnd(node).channelFrom;
  return from ? { channelFrom: from } : {};
}

export function publishFact(library: string, call: Node, detail: string, channel: string | undefined,
  carriers: (Node | undefined)[], opts: { nonIdempotent?: boolean; opaque?: boolean; channelNode?: Node; payload?: { node: Node | undefined }; envelopeWrittenHere?: boolean } = {}): Fact {
  const values: Node[] = [];
  const params: Node[] = [];
  let state: CorrelationState = 'absent';
  let opaque = false;
  let ownEnvelope = false;
  let envelopeFromCaller = false;
  for (const carrier of carriers) {
    if (!carrier) continue;
    const content = inspectCarrier(carrier);
    values.push(...content.values);
    params.push(...(content.params ?? []));
    if (!content.closed) state = 'unknown';
    if (content.opaque) opaque = true;
    if (content.ownEnvelope) ownEnvelope = true;
    if (content.envelopeFromCaller) envelopeFromCaller = true;
  }
  if (values.length) state = 'present';
  // The call's input is built here and leaves its envelope out (SNS `{ TopicArn, Message }` with no MessageAttributes).
  if (opts.envelopeWrittenHere) ownEnvelope = true;
  // A reply to the requester, at the address its request carried (`publish(msg.reply, ...)`, `msg.replyTo`).
  const reply = isReplyAddress(opts.channelNode);
  if (opts.opaque && state === 'absent') state = 'unknown';
  const payloadParams = opts.payload?.node && state !== 'present' ? inspectCarrier(opts.payload.node).params ?? [] : [];
  // The caller's data passed through as the whole body (`send(topic, data) { return this.client.send(topic, data) }`):
  // the wrapper is where every message goes out, and the one place an id can be added for all its callers.
  const passedThrough = !!parameterOf(opts.payload?.node);
  return {
    kind: 'publish', node: calleeName(call), library, detail, channel,
    ...(opts.channelNode ? { channelNode: opts.channelNode } : {}),
    // A channel given by the enclosing function's caller (`emitMessage(topic, message)`): its call sites name it.
    ...(channel === undefined && opts.channelNode ? callerChannel(opts.channelNode) : {}),
    correlation: state, correlationValues: values, nonIdempotent: reply ? false : opts.nonIdempotent ?? true,
    ...(reply ? { reply: true } : {}),
    // The body comes from the enclosing function's caller: where it is called, the callers decide.
    ...(state !== 'present' && params.length && !opaque && !opts.opaque ? { carrierParams: [...new Set(params)] } : {}),
    ...(state !== 'present' && params.length && ownEnvelope && !envelopeFromCaller ? { ownEnvelope: true } : {}),
    ...(state !== 'present' && params.length && passedThrough && !envelopeFromCaller ? { bodyPassedThrough: true } : {}),
    ...(state === 'absent' && opts.payload && isEmptyBody(opts.payload.node) ? { emptyBody: true } : {}),
    ...(payloadParams.length ? { payloadParams } : {}),
    ...entityIdsOf(state, carriers),
  };
}

/** The entity ids (`orderId`) a message without a correlation id carries: it can be tied to its flow by them. */
function entityIdsOf(state: CorrelationState, carriers: (Node | undefined)[]): Pick<Fact, 'entityIds'> {
  if (state !== 'absent') return {};
  const entityIds = entityIdKeysIn(carriers);
  return entityIds.length ? { entityIds } : {};
}

/** Facts of the SQL a call runs; `text` when the library builds it from more than a string (pg-promise's helpers). */
export function sqlFacts(library: string, call: Node, sqlNode: Node | undefined, analysis: Analysis, text = stringValue(sqlNode)): Fact[] {
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
        detail: `INSERT INTO ${info.table ?? '?'}${info.increment ? ' (upsert with increment)' : ''}`,
        nonIdempotent: !guard && (!info.onConflict || info.increment) && !isOutboxTable(info.table),
      });
      break;
    }
    case 'update':
      if (info.conditionalOn) facts.push({ kind: 'guard', node: at, library, detail: `UPDATE ${info.table ?? '?'} only where ${info.conditionalOn} has not seen the message`, table: info.table });
      facts.push({ kind: 'write', node: at, library, table: info.table, clientKey, detail: `UPDATE ${info.table ?? '?'}${info.increment ? ' (increment)' : ''}`, nonIdempotent: info.increment && !info.conditionalOn });
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

/**
 * A query that returns stored rows (`prisma.repo.findMany`, `Model.find`, `repository.findBy`). Rules
 * read it as the flow's input: a runner that selects the rows a flow wrote and sends them again
 * re-derives a lost send (dual-write's reconciler). A guard table's lookup is a guard.
 */
export function readFact(library: string, call: Node, detail: string, table?: string): Fact {
  const oneRow = ONE_ROW.test(calleeName(call).getText());
  return { kind: isGuardTable(table) ? 'guard' : 'read', node: calleeName(call), library, detail, table, ...(oneRow ? { oneRow } : {}) };
}

/** Lookups that return one row at most. */
const ONE_ROW = /^(findOne|findFirst|findUnique|findById|findByPk|findOneBy)(OrThrow|OrFail|ByOrFail)?$/;

export function clientFact(library: string, node: Node, store: string, config: Node[], extraEnv: string[] = [],
  connection: { host?: string; database?: string } = {}): Fact {
  const envVars = new Set<string>(extraEnv);
  const urls = new Set<string>();
  const literal: { host?: string; database?: string } = {};
  for (const c of [...config, ...config.flatMap(laterAssignments)]) {
    envVarsIn(c).forEach((e) => envVars.add(e));
    urlsIn(c).forEach((u) => urls.add(u));
    literal.host ??= literalString(prop(c, 'host')) ?? literalString(prop(c, 'hostname'));
    literal.database ??= literalString(prop(c, 'database')) ?? literalString(prop(c, 'dbName'));
  }
  const host = connection.host ?? literal.host;
  const database = connection.database ?? literal.database;
  return {
    kind: 'client', node: Node.isNewExpression(node) || Node.isCallExpression(node) ? node.getExpression() : node,
    library, store, detail: `${library} client`, envVars: [...envVars].sort(), urls: [...urls].sort(), config,
    ...(host !== undefined || database !== undefined ? { connection: { host, database } } : {}),
  };
}

/**
 * What is assigned to an options object after it is declared (`options.host = host` in the function
 * that builds it), so settings added on one branch (`if (cluster) options.replication = ...`) count.
 */
function laterAssignments(config: Node): Node[] {
  if (!Node.isIdentifier(config)) return [];
  let decl: Node | undefined;
  try { decl = config.getSymbol()?.getDeclarations()[0]; } catch { decl = undefined; }
  if (!decl || !Node.isVariableDeclaration(decl) || decl.getSourceFile() !== config.getSourceFile()) return [];
  const scope = decl.getFirstAncestor((a) => Node.isBlock(a) || Node.isSourceFile(a));
  if (!scope) return [];
  const name = decl.getName();
  return scope.getDescendantsOfKind(SyntaxKind.BinaryExpression)
    .filter((b) => b.getOperatorToken().getKind() === SyntaxKind.EqualsToken && b.getStart() > decl!.getStart())
    .filter((b) => { const left = b.getLeft(); return Node.isPropertyAccessExpression(left) && left.getExpression().getText() === name; })
    .map((b) => b.getRight());
}

/**
 * The options object of a NestJS dynamic module: `forRoot(options)`, or for
 * `forRootAsync` what its `useFactory` returns (or `useClass`'s `method`).
 */
export function nestModuleOptions(call: Node, analysis: Analysis, classMethod: string): Node[] {
  const first = (call as unknown as { getArguments?(): Node[] }).getArguments?.()[0];
  const name = calleeName(call).getText();
  if (!name.endsWith('Async')) return first ? [first] : [];
  let fn = analysis.functionFrom(prop(first, 'useFactory'));
  const useClass = prop(first, 'useClass') ?? prop(first, 'useExisting');
  if (!fn && useClass && Node.isIdentifier(useClass)) {
    let symbol = useClass.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol(); // imported from its own file
    const decl = symbol?.getDeclarations()[0];
    const cls = decl && Node.isClassDeclaration(decl) ? decl : undefined;
    fn = cls?.getInstanceMethod(classMethod);
  }
  if (!fn) return [];
  const body = (fn as unknown as { getBody?(): Node | undefined }).getBody?.();
  if (body && !Node.isBlock(body)) return [body];
  return fn.getDescendantsOfKind(SyntaxKind.ReturnStatement)
    .map((r): Node | undefined => r.getExpression())
    .filter((e): e is Node => !!e);
}

/** The page's own origin, read in a browser. */
const BROWSER_ORIGIN = /\b(window|document|globalThis)\.location\b/;

/**
 * An outgoing HTTP call. `opts.base` is a base URL configured elsewhere (an
 * axios instance's `baseURL`); `opts.opaque` says headers are added where the
 * analysis cannot see (a request interceptor), so absent means unknown; `opts.host` is a host the call
 * names apart from its URL (node's `http.request({ hostname: 'payments' })`).
 */
export function httpFact(library: string, call: Node, method: string, urlNode: Node | undefined,
  headerCarriers: (Node | undefined)[], analysis: Analysis, opts: { base?: Node; opaque?: boolean; host?: string } = {}): Fact {
  const urlText = targetText(urlNode, opts.base);
  // A URL built on the page's own origin (`window.location.origin`, perhaps beside a server-side fallback: `typeof
  // window !== 'undefined' ? window.location.origin : process.env.BACKEND_URL`) is a browser's request to the site it
  // was served from: the edge of a flow, not a hop between services.
  const named = BROWSER_ORIGIN.test(urlText) ? undefined : analysis.hooks.serviceForUrl(urlText, call.getSourceFile().getFilePath());
  const urlEnvs = urlEnvVars(urlText);
  const own = urlOrigin(urlNode);
  const origin = opts.host ? { kind: 'literal' as const, origin: opts.host } : own.kind === 'relative' && opts.base ? urlOrigin(opts.base) : own;
  const values: Node[] = [];
  let state: CorrelationState = 'absent';
  let idempotencyKey = false;
  for (const c of headerCarriers) {
    if (!c) continue;
    const content = inspectCarrier(c);
    values.push(...content.values);
    if (!content.closed) state = 'unknown';
    if (/idempotency[-_]?key/i.test(c.getText()) || inspectCarrier(c, /idempotency[-_]?key/i).values.length) idempotencyKey = true;
  }
  if (values.length) state = 'present';
  else if (opts.opaque) state = 'unknown';
  const upper = method.toUpperCase();
  const query = isQueryEndpoint(urlNode);
  return {
    kind: 'http', node: calleeName(call), library, method: upper, target: named?.name,
    ...(named ? { namedTarget: named.name, ...(named.env ? { targetEnv: named.env } : {}) } : {}),
    ...(urlEnvs.length ? { urlEnvs } : {}),
    ...(origin.kind === 'literal' ? { origin: origin.origin } : {}),
    detail: `HTTP ${upper} ${urlNode ? urlNode.getText().slice(0, 60) : ''}`.trim(),
    nonIdempotent: ['POST', 'PATCH'].includes(upper) && !idempotencyKey && !query,
    ...(query ? { query: true } : {}),
    correlation: state, correlationValues: values,
  };
}

/**
 * Insert data that names the row it creates (`{ id }`, `{ id: event.id }`, `uuid`, `_id`): inserting it again
 * conflicts instead of duplicating (ORM `create`/`insert` with an explicit key).
 */
export function namesTheRow(data: Node | undefined): boolean {
  const lit = objectLiteral(data);
  return !!lit?.getProperties().some((p) => (Node.isPropertyAssignment(p) || Node.isShorthandPropertyAssignment(p)) && /^(id|uuid|_id)$/.test(p.getName()));
}
