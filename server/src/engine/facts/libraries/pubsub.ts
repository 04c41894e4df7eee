/**
 * Google Cloud Pub/Sub (`@google-cloud/pubsub`): `topic.publishMessage({ data, attributes })`,
 * `topic.publish(data, attributes)`, and `subscription.on('message', handler)`.
 */
import type { LibraryTable, OperationAnalyzer } from './table';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, channelName, receiver, stringValue } from '../syntax';
import { Node } from 'ts-morph';
import { elementRegistrations } from '../elementRegistrations';

const PS = '@google-cloud/pubsub';

/** The topic name of `pubsub.topic('orders')` when the receiver is built that way (or a const holding it). */
function topicName(call: Node): string | undefined {
  return channelName(topicArgument(call));
}

/** The name expression the receiver was built with (`pubsub.topic(name)`, `pubsub.subscription(name)`), directly or through a const. */
function topicArgument(call: Node): Node | undefined {
  let recv = receiver(call);
  for (let i = 0; i < 2 && recv; i++) {
    if (Node.isCallExpression(recv)) return arg(recv, 0);
    if (Node.isIdentifier(recv)) {
      const decl = recv.getSymbol()?.getDeclarations()[0];
      recv = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
      while (recv && Node.isAwaitExpression(recv)) recv = recv.getExpression();
    } else break;
  }
  return undefined;
}

/** `publishMessage({ data | json, attributes, orderingKey })`: attributes are the envelope, data the payload. */
const publishMessage: OperationAnalyzer = (call) => {
  const topic = topicName(call);
  return publishFact(PS, call, `Pub/Sub publishMessage to "${topic ?? '?'}"`, topic, [arg(call, 0)]);
};

/** `publish(data, attributes)` and `publishJSON(json, attributes)` (older API). */
const publish: OperationAnalyzer = (call) => {
  const topic = topicName(call);
  return publishFact(PS, call, `Pub/Sub ${calleeName(call).getText()} to "${topic ?? '?'}"`, topic, [arg(call, 1), arg(call, 0)]);
};

const onMessage: OperationAnalyzer = (call, analysis) => {
  if (stringValue(arg(call, 0)) !== 'message') return undefined;
  const sub = topicName(call);
  const own = consumerFact(PS, call, calleeName(call), analysis.functionFrom(arg(call, 1)), sub, `Pub/Sub subscription "${sub ?? '?'}" message handler`, 'pubsub');
  // A subscribe wrapper called for each object of a list of workers (elementRegistrations.ts): one consumer per object.
  const each = sub === undefined ? elementRegistrations(call, arg(call, 1), topicArgument(call), analysis) : undefined;
  return each ? [own, ...each.map((e) => {
    const name = channelName(e.channel);
    return consumerFact(PS, call, e.reportAt, e.handler, name, `Pub/Sub subscription "${name ?? '?'}" message handler, registered through ${calleeName(e.site).getText()}()`, 'pubsub');
  })] : own;
};

export const pubsub: LibraryTable = {
  name: 'pubsub',
  transitions: {
    [`${PS}#PubSub|new`]: 'pubsub.Client',
    [`${PS}#PubSub|instance`]: 'pubsub.Client',
    'pubsub.Client|topic()': 'pubsub.Topic',
    [`${PS}#Topic|instance`]: 'pubsub.Topic',
    'pubsub.Client|subscription()': 'pubsub.Subscription',
    'pubsub.Topic|subscription()': 'pubsub.Subscription',
    [`${PS}#Subscription|instance`]: 'pubsub.Subscription',
  },
  operations: {
    'pubsub.Topic|publishMessage': publishMessage,
    'pubsub.Topic|publish': publish,
    'pubsub.Topic|publishJSON': publish,
    'pubsub.Subscription|on': onMessage,
    'pubsub.Subscription|addListener': onMessage,
  },
};
