/**
 * Redis as a message broker (ioredis and node-redis): streams (`XADD`,
 * `XREADGROUP` consumer loops) and pub/sub (`PUBLISH`, `SUBSCRIBE` listeners,
 * ioredis `on('message')`). Stream entries are field/value pairs: a
 * correlation id is a field whose name says so.
 */
import { Node, SyntaxKind } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Fact, CorrelationState } from '../facts';
import { consumerFact, publishFact } from './build';
import { inspectCarrier } from './carrierInspection';
import { CORRELATION_KEY, arg, calleeName, channelName, declarationOf, parameterNames, receiver, stringValue } from '../syntax';
import { channelEnd } from '../channelIdentity';
import { isFunctionLike } from '../analysis';

const STREAM_ID = /^(\*|\d+-\d+|\d+)$/;
const XADD_OPTION = /^(NOMKSTREAM|MAXLEN|MINID|LIMIT|=|~)$/i;

/**
 * `xadd(key, [options...], id, field, value, ...)` (ioredis, flat) or
 * `xAdd(key, id, { field: value }, options)` (node-redis): the correlation
 * state of the entry's fields.
 */
const xadd: OperationAnalyzer = (call) => {
  const args = (call as unknown as { getArguments(): Node[] }).getArguments();
  const stream = stringValue(args[0]);
  const values: Node[] = [];
  let state: CorrelationState = 'absent';
  const objectForm = args.slice(1).find((a) => Node.isObjectLiteralExpression(a) || (Node.isIdentifier(a) && !stringValue(a)));
  if (objectForm && args.length <= 4 && !args.slice(2).some((a) => stringValue(a) !== undefined && !STREAM_ID.test(stringValue(a)!))) {
    const content = inspectCarrier(args[2] ?? objectForm);
    values.push(...content.values);
    if (!content.closed) state = 'unknown';
  } else {
    // Skip options and the id, then read field/value pairs.
    let i = 1;
    while (i < args.length && (XADD_OPTION.test(stringValue(args[i]) ?? '') || Node.isNumericLiteral(args[i]))) i++;
    i++; // the id
    for (; i < args.length; i += 2) {
      const field = args[i];
      const value = args[i + 1];
      if (Node.isSpreadElement(field)) { state = 'unknown'; continue; }
      const name = stringValue(field);
      if (name === undefined) { state = 'unknown'; continue; }
      if (CORRELATION_KEY.test(name) && value) values.push(value);
      else if (value) {
        const inner = inspectCarrier(value);
        values.push(...inner.values);
      }
    }
  }
  if (values.length) state = 'present';
  const fact: Fact = {
    kind: 'publish', node: calleeName(call), library: 'redis', detail: `XADD ${stream ?? '?'}`, channel: stream, channelNode: args[0],
    correlation: state, correlationValues: values, nonIdempotent: true,
  };
  return fact;
};

/** `XREADGROUP` is read in a loop: the enclosing function handles the entries it returns. */
const readGroup: OperationAnalyzer = (call) => {
  const fn = call.getFirstAncestor(isFunctionLike);
  const args = (call as unknown as { getArguments(): Node[] }).getArguments();
  const streamsAt = args.findIndex((a) => /^STREAMS$/i.test(stringValue(a) ?? ''));
  const stream = streamsAt >= 0 ? channelName(args[streamsAt + 1]) : undefined;
  return fn ? consumerFact('redis', call, calleeName(call), fn, stream, `Redis stream consumer-group loop${stream ? ` on "${stream}"` : ''}`, 'redis-stream') : undefined;
};

const publish: OperationAnalyzer = (call) => {
  const end = channelEnd(arg(call, 0));
  const fact = publishFact('redis', call, `Redis PUBLISH "${end.channel ?? '?'}"`, end.channel, [arg(call, 1)], { channelNode: arg(call, 0), payload: { node: arg(call, 1) } });
  return { ...fact, ...end, transport: 'redis-pubsub' };
};

/** node-redis v4: `subscribe(channel, listener)`; ioredis `subscribe(channel)` has its listener on `on('message')`. */
const subscribe: OperationAnalyzer = (call, analysis) => {
  const listener = analysis.functionFrom(arg(call, 1));
  if (!listener) return undefined;
  // ioredis: the second argument is a completion callback `(err, count) => ...`.
  if (/^e(rr|rror)?$/.test(parameterNames(listener)[0] ?? '')) return undefined;
  const end = channelEnd(arg(call, 0));
  return { ...consumerFact('redis', call, calleeName(call), listener, end.channel, `Redis subscriber on "${end.channel ?? '?'}"`, 'redis-pubsub'), ...end };
};

const SUBSCRIBE = /^(p?subscribe|pSubscribe|SUBSCRIBE|PSUBSCRIBE)$/;

/**
 * ioredis: `client.subscribe(channel)` somewhere, `client.on('message', listener)` elsewhere. The
 * listener hears the channels subscribed on the same client (the same field or variable) in the
 * same class, or file outside a class.
 */
function subscribedChannels(call: Node): Pick<Fact, 'channel' | 'channelIds' | 'channelFrom'> {
  const recv = receiver(call);
  const target = recv ? clientOf(recv) : undefined;
  if (!recv || !target) return {};
  const scope = call.getFirstAncestor((a) => Node.isClassDeclaration(a) || Node.isClassExpression(a)) ?? call.getSourceFile();
  const names: string[] = [];
  const ids: string[] = [];
  let from: Fact['channelFrom'];
  for (const sub of scope.getDescendantsOfKind(SyntaxKind.CallExpression)) {
    const callee = sub.getExpression();
    if (!Node.isPropertyAccessExpression(callee) || !SUBSCRIBE.test(callee.getName()) || clientOf(callee.getExpression()) !== target) continue;
    for (const a of sub.getArguments()) {
      if (Node.isArrowFunction(a) || Node.isFunctionExpression(a)) continue;
      const end = channelEnd(a);
      if (end.channel) names.push(end.channel);
      ids.push(...(end.channelIds ?? []));
      from ??= end.channelFrom;
    }
  }
  return {
    ...(names.length ? { channel: [...new Set(names)].join(', ') } : {}),
    ...(ids.length ? { channelIds: [...new Set(ids)] } : {}),
    ...(from && !names.length ? { channelFrom: from } : {}),
  };
}

/** The declaration a client expression names (`this.subscriber`, `sub`), else its text. */
function clientOf(node: Node): Node | string | undefined {
  const decl = declarationOf(Node.isPropertyAccessExpression(node) ? node.getNameNode() : node);
  return decl ?? node.getText();
}

const onMessage: OperationAnalyzer = (call, analysis) => {
  const event = stringValue(arg(call, 0));
  if (!event || !/^(p?message|p?messageBuffer)$/.test(event)) return undefined;
  const listener = analysis.functionFrom(arg(call, 1));
  if (!listener) return undefined;
  const end = subscribedChannels(call);
  const detail = end.channel ? `Redis pub/sub ${event} listener on "${end.channel}"` : `Redis pub/sub ${event} listener`;
  return { ...consumerFact('redis', call, calleeName(call), listener, undefined, detail, 'redis-pubsub'), ...end };
};

export const redisStreams: LibraryTable = {
  name: 'redis-streams',
  transitions: {},
  operations: {
    'redis.Client|xadd': xadd,
    'redis.Client|xAdd': xadd,
    'redis.Client|XADD': xadd,
    'redis.Client|xreadgroup': readGroup,
    'redis.Client|xReadGroup': readGroup,
    'redis.Client|XREADGROUP': readGroup,
    'redis.Client|publish': publish,
    'redis.Client|PUBLISH': publish,
    'redis.Client|subscribe': subscribe,
    'redis.Client|pSubscribe': subscribe,
    'redis.Client|SUBSCRIBE': subscribe,
    'redis.Client|on': onMessage,
  },
};
