/**
 * Rascal (`rascal`), a RabbitMQ client configured by name: `broker.publish(publication, message,
 * overrides)` sends through a publication of the broker's configuration, and `const subscription =
 * await broker.subscribe(name)` then `subscription.on('message', (message, content, ackOrNack) => ...)`
 * handles the messages of a configured subscription. The names are the configuration's, so they are
 * the channels here. A message is acknowledged by `ackOrNack()`; one that is not (the process dies, or
 * `ackOrNack(err)` nacks it) is delivered again: at least once. `overrides.options` carries the
 * envelope (`headers`, `correlationId`, `messageId`).
 */
import type { LibraryTable, OperationAnalyzer } from './table';
import { consumerFact, publishFact } from './build';
import { arg, builtBy, channelName, stringValue } from '../syntax';
import { Node } from 'ts-morph';

const RASCAL = 'rascal';

/** The subscription name a subscription object came from (`await broker.subscribe('orders')`, through a const). */
function subscriptionName(call: Node): string | undefined {
  const built = builtBy(call, Node.isCallExpression);
  return built ? channelName(arg(built, 0)) : undefined;
}

/** `broker.publish(name, message, overrides)`: the overrides (a routing key string, or `{ options: { headers, correlationId } }`) are the envelope. */
const publish: OperationAnalyzer = (call) => {
  const name = channelName(arg(call, 0));
  return publishFact(RASCAL, call, `rascal publish to "${name ?? '?'}"`, name, [arg(call, 2), arg(call, 1)]);
};

/** `subscription.on('message', handler)`: the handler of each delivery. */
const onMessage: OperationAnalyzer = (call, analysis) => {
  if (stringValue(arg(call, 0)) !== 'message') return undefined;
  const name = subscriptionName(call);
  return consumerFact(RASCAL, call, call, analysis.functionFrom(arg(call, 1)), name, `rascal subscription "${name ?? '?'}" message handler`, 'rabbitmq-ack');
};

export const rascal: LibraryTable = {
  name: 'rascal',
  transitions: {
    [`${RASCAL}#BrokerAsPromised|create()`]: 'rascal.Broker',
    [`${RASCAL}#BrokerAsPromised|instance`]: 'rascal.Broker',
    [`${RASCAL}#default|.BrokerAsPromised`]: `${RASCAL}#BrokerAsPromised`,
    'rascal.Broker|subscribe()': 'rascal.Subscription',
    [`${RASCAL}#SubscriberSessionAsPromised|instance`]: 'rascal.Subscription',
  },
  operations: {
    'rascal.Broker|publish': publish,
    'rascal.Broker|forward': publish,
    'rascal.Subscription|on': onMessage,
  },
};
