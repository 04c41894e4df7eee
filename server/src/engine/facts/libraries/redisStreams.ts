/**
 * Redis as a message broker (ioredis and node-redis): streams (`XADD`,
 * `XREADGROUP` consumer loops) and pub/sub (`PUBLISH`, `SUBSCRIBE` listeners,
 * ioredis `on('message')`). Stream entries are field/value pairs: a
 * correlation id is a field whose name says so.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Fact, CorrelationState } from '../facts';
import { consumerFact, inspectCarrier, publishFact } from './build';
import { CORRELATION_KEY, arg, calleeName, channelName, parameterNames, stringValue } from '../syntax';
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
  const channel = channelName(arg(call, 0));
  return publishFact('redis', call, `Redis PUBLISH "${channel ?? '?'}"`, channel, [arg(call, 1)], { channelNode: arg(call, 0) });
};

/** node-redis v4: `subscribe(channel, listener)`; ioredis `subscribe(channel)` has its listener on `on('message')`. */
const subscribe: OperationAnalyzer = (call, analysis) => {
  const listener = analysis.functionFrom(arg(call, 1));
  if (!listener) return undefined;
  // ioredis: the second argument is a completion callback `(err, count) => ...`.
  if (/^e(rr|rror)?$/.test(parameterNames(listener)[0] ?? '')) return undefined;
  const channel = channelName(arg(call, 0));
  return consumerFact('redis', call, calleeName(call), listener, channel, `Redis subscriber on "${channel ?? '?'}"`, 'redis-pubsub');
};

const onMessage: OperationAnalyzer = (call, analysis) => {
  const event = stringValue(arg(call, 0));
  if (!event || !/^(p?message|p?messageBuffer)$/.test(event)) return undefined;
  const listener = analysis.functionFrom(arg(call, 1));
  return listener ? consumerFact('redis', call, calleeName(call), listener, undefined, `Redis pub/sub ${event} listener`, 'redis-pubsub') : undefined;
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
