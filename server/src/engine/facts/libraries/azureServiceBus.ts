/**
 * Azure Service Bus (`@azure/service-bus`): `sender.sendMessages(msg | msgs)`,
 * `receiver.subscribe({ processMessage })` and receive loops
 * (`receiver.receiveMessages`). A message's `correlationId` and
 * `applicationProperties` travel with it; `messageId` lets an entity with
 * duplicate detection drop a resend.
 *
 * Also `ffc-messaging`, the Service Bus client of DEFRA's FFC services: `new MessageSender({ address,
 * ... }).sendMessage(message)` and `new MessageReceiver({ address, ... }, action).subscribe()`, whose
 * `action(message, receiver)` completes, abandons or dead-letters each message (peek-lock: a message
 * not completed before its lock expires comes back).
 */
import type { LibraryTable, OperationAnalyzer } from './table';
import { consumerFact, publishFact } from './build';
import { arg, builtBy, calleeName, channelName, optionKeyNode, prop } from '../syntax';
import { isFunctionLike } from '../analysis';
import { Node } from 'ts-morph';

const ASB = '@azure/service-bus';

/** Queue or topic of `client.createSender('orders')` when the receiver is built that way. */
function entityName(call: Node): string | undefined {
  const built = builtBy(call, Node.isCallExpression);
  return built ? channelName(arg(built, 0)) : undefined;
}

const send: OperationAnalyzer = (call) => {
  const entity = entityName(call);
  const message = arg(call, 0);
  const messageId = message && (Node.isArrayLiteralExpression(message) ? message.getElements() : [message]).every((m) => !!prop(m, 'messageId'));
  return publishFact(ASB, call, `Service Bus ${calleeName(call).getText()} to "${entity ?? '?'}"`, entity, [message], { nonIdempotent: !messageId });
};

const subscribe: OperationAnalyzer = (call, analysis) => {
  const handlers = arg(call, 0);
  const value = prop(handlers, 'processMessage');
  if (!value) return undefined;
  const entity = entityName(call);
  return consumerFact(ASB, call, optionKeyNode(value), analysis.functionFrom(value), entity, `Service Bus processMessage for "${entity ?? '?'}"`, 'service-bus');
};

const receiveLoop: OperationAnalyzer = (call) => {
  const fn = call.getFirstAncestor(isFunctionLike);
  const entity = entityName(call);
  return fn ? consumerFact(ASB, call, calleeName(call), fn, entity, `Service Bus receive loop on "${entity ?? '?'}"`, 'service-bus') : undefined;
};

const FFC = 'ffc-messaging';

/** The queue, topic or subscription of an ffc-messaging client: the `address` of the options it was built with. */
function ffcAddress(client: Node | undefined): string | undefined {
  const options = client && (Node.isNewExpression(client) || Node.isCallExpression(client)) ? arg(client, 0) : undefined;
  return channelName(prop(options, 'address'));
}

const ffcSend: OperationAnalyzer = (call) => {
  const entity = ffcAddress(builtBy(call, Node.isNewExpression));
  const message = arg(call, 0);
  const messageId = message && (Node.isArrayLiteralExpression(message) ? message.getElements() : [message]).every((m) => !!prop(m, 'messageId'));
  return publishFact(FFC, call, `ffc-messaging ${calleeName(call).getText()} to "${entity ?? '?'}"`, entity, [message], { nonIdempotent: !messageId });
};

/** `new MessageReceiver(config, action)`: `action` handles each message of the subscription. */
const ffcReceiver: OperationAnalyzer = (node, analysis) => {
  const action = arg(node, 1);
  if (!action) return undefined;
  const entity = ffcAddress(node);
  return consumerFact(FFC, node, node, analysis.functionFrom(action), entity, `ffc-messaging MessageReceiver for "${entity ?? '?'}"`, 'service-bus');
};

export const azureServiceBus: LibraryTable = {
  name: 'azure-service-bus',
  transitions: {
    [`${ASB}#ServiceBusClient|new`]: 'asb.Client',
    [`${ASB}#ServiceBusClient|instance`]: 'asb.Client',
    'asb.Client|createSender()': 'asb.Sender',
    [`${ASB}#ServiceBusSender|instance`]: 'asb.Sender',
    'asb.Client|createReceiver()': 'asb.Receiver',
    'asb.Client|acceptSession()': 'asb.Receiver',
    'asb.Client|acceptNextSession()': 'asb.Receiver',
    [`${ASB}#ServiceBusReceiver|instance`]: 'asb.Receiver',
    [`${ASB}#ServiceBusSessionReceiver|instance`]: 'asb.Receiver',
    [`${FFC}#MessageSender|new`]: 'ffc.Sender',
    [`${FFC}#MessageSender|instance`]: 'ffc.Sender',
  },
  operations: {
    'asb.Sender|sendMessages': send,
    'asb.Sender|scheduleMessages': send,
    'asb.Receiver|subscribe': subscribe,
    'asb.Receiver|receiveMessages': receiveLoop,
    'ffc.Sender|sendMessage': ffcSend,
    'ffc.Sender|sendMessages': ffcSend,
    [`${FFC}#MessageReceiver|new`]: ffcReceiver,
  },
};
