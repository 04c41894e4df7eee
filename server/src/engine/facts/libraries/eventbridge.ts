/**
 * Amazon EventBridge: `client.send(new PutEventsCommand({ Entries }))` (SDK v3)
 * and `putEvents({ Entries })` (v2 and the v3 aggregated client). Each entry's
 * `Detail` is the event body; a correlation id travels inside it.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import type { Analysis } from '../analysis';
import { publishFact } from './build';
import { arg, channelName, prop } from '../syntax';

const EB = '@aws-sdk/client-eventbridge';

/** The input of `new PutEventsCommand(input)` given inline or through a const, when the command is one. */
function putEventsInput(node: Node | undefined, analysis: Analysis): Node | undefined {
  let expr = node;
  if (expr && Node.isIdentifier(expr)) {
    const decl = expr.getSymbol()?.getDeclarations()[0];
    expr = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
  }
  if (!expr || !Node.isNewExpression(expr)) return undefined;
  return analysis.typeOf(expr.getExpression()) === `${EB}#PutEventsCommand` ? expr.getArguments()[0] ?? expr : undefined;
}

function entriesFact(call: Node, input: Node | undefined, detail: string) {
  const entries = prop(input, 'Entries');
  const first = entries && Node.isArrayLiteralExpression(entries) ? entries.getElements()[0] : undefined;
  const channel = channelName(prop(first, 'DetailType')) ?? channelName(prop(first, 'EventBusName'));
  return publishFact('eventbridge', call, `${detail}${channel ? ` "${channel}"` : ''}`, channel, input ? [entries ?? input] : [input], { opaque: !input });
}

const send: OperationAnalyzer = (call, analysis) => {
  const cmd = arg(call, 0);
  const input = putEventsInput(cmd, analysis);
  if (!input) return undefined;
  return entriesFact(call, Node.isNewExpression(input) ? undefined : input, 'EventBridge PutEvents');
};

const putEvents: OperationAnalyzer = (call) => entriesFact(call, arg(call, 0), 'EventBridge putEvents');

export const eventbridge: LibraryTable = {
  name: 'eventbridge',
  transitions: {
    [`${EB}#EventBridgeClient|new`]: 'eventbridge.Client',
    [`${EB}#EventBridgeClient|instance`]: 'eventbridge.Client',
    [`${EB}#EventBridge|new`]: 'eventbridge.Client',
    [`${EB}#EventBridge|instance`]: 'eventbridge.Client',
    'aws-sdk#EventBridge|new': 'eventbridge.Client',
    'aws-sdk#EventBridge|instance': 'eventbridge.Client',
    'aws-sdk/clients/eventbridge#default|new': 'eventbridge.Client',
  },
  operations: {
    'eventbridge.Client|send': send,
    'eventbridge.Client|putEvents': putEvents,
  },
};
