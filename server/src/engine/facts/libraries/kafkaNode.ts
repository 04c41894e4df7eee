/**
 * kafka-node: `new Producer(client)` / `new HighLevelProducer(client)` and
 * `producer.send([{ topic, messages }], cb)`; consumers built with `new ConsumerGroup(options, topics)`,
 * `new Consumer(client, [{ topic }], options)` or `new ConsumerGroupStream(options, topics)`, whose
 * `on('message', fn)` handler is the message handler. Offsets are committed after the messages are
 * fetched (on an interval with `autoCommit`), so a crash or rebalance delivers them again: Kafka's
 * at-least-once. kafka-node sends no headers; an id travels only in the message value.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { consumerFact, publishFact, withChannelIds } from './build';
import { arg, calleeName, channelName, initializerOf, prop, receiver } from '../syntax';
import { channelIdentity, unwrap } from '../channelIdentity';

const LIBRARY = 'kafka-node';

/** The first payload of `send([{ topic, messages }])`, also through a variable holding the array. */
function firstPayload(node: Node | undefined): Node | undefined {
  let n = node && Node.isIdentifier(node) ? initializerOf(node) ?? node : node;
  n = n && unwrap(n);
  return n && Node.isArrayLiteralExpression(n) ? n.getElements()[0] : undefined;
}

const send: OperationAnalyzer = (call) => {
  const payloads = arg(call, 0);
  const first = firstPayload(payloads);
  const topic = prop(first, 'topic');
  const channel = channelName(topic);
  const messages = prop(first, 'messages');
  const fact = publishFact(LIBRARY, call, `producer.send to "${channel ?? '?'}"`, channel, [messages ?? first ?? payloads], { payload: { node: messages ?? payloads } });
  const id = topic ? channelIdentity(topic) : undefined;
  return withChannelIds(fact, id ? [id] : undefined);
};

/** The topics a consumer was built with: `new ConsumerGroup(options, topics)`, `new Consumer(client, [{ topic }], options)`. */
function topicsOf(construction: Node | undefined): Node[] {
  if (!construction || !Node.isNewExpression(construction)) return [];
  const given = arg(construction, 1);
  const list = given && Node.isIdentifier(given) ? initializerOf(given) ?? given : given;
  const items = list && Node.isArrayLiteralExpression(list) ? list.getElements() : list ? [list] : [];
  return items.map((i) => (Node.isObjectLiteralExpression(i) ? prop(i, 'topic') : i)).filter((i): i is Node => !!i);
}

const on: OperationAnalyzer = (call) => {
  const event = arg(call, 0);
  if (!event || !/^['"`]message['"`]$/.test(event.getText())) return undefined;
  const handler = arg(call, 1);
  const recv = receiver(call);
  const topics = topicsOf(recv && Node.isIdentifier(recv) ? initializerOf(recv) : recv);
  const names = topics.map((t) => channelName(t));
  const channel = names.length && names.every((n) => n !== undefined) ? names.join(', ') : undefined;
  const fact = consumerFact(LIBRARY, call, calleeName(call), handler, channel, `kafka-node consumer on "${channel ?? '?'}"`, 'kafka');
  const ids = topics.map((t) => channelIdentity(t)).filter((i): i is string => !!i);
  return withChannelIds(fact, ids);
};

const transitions: Record<string, string> = {};
for (const p of ['Producer', 'HighLevelProducer']) transitions[`kafka-node#${p}|new`] = 'kafka-node.Producer';
for (const c of ['ConsumerGroup', 'Consumer', 'ConsumerGroupStream']) transitions[`kafka-node#${c}|new`] = 'kafka-node.Consumer';

export const kafkaNode: LibraryTable = {
  name: LIBRARY,
  transitions,
  operations: {
    'kafka-node.Producer|send': send,
    'kafka-node.Consumer|on': on,
  },
};
