/** AWS SQS (SDK v3 commands, v2 client) and sqs-consumer. */
import { Node } from 'ts-morph';
import type { LibraryTable } from './table';
import type { Analysis } from '../analysis';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, prop, stringValue } from '../syntax';
import { isFunctionLike } from '../analysis';

const V3 = '@aws-sdk/client-sqs';

function commandName(node: Node | undefined, analysis: Analysis): string | undefined {
  if (!node) return undefined;
  let expr: Node = node;
  if (Node.isIdentifier(expr)) {
    const decl = expr.getSymbol()?.getDeclarations()[0];
    if (decl && Node.isVariableDeclaration(decl) && decl.getInitializer()) expr = decl.getInitializerOrThrow();
  }
  if (!Node.isNewExpression(expr)) return undefined;
  const t = analysis.typeOf(expr.getExpression());
  return t?.startsWith(`${V3}#`) ? t.slice(V3.length + 1) : undefined;
}

function receiveLoop(call: Node): Fact[] {
  const fn = call.getFirstAncestor(isFunctionLike);
  return [consumerFact('@aws-sdk/client-sqs', call, calleeName(call), fn, undefined, 'SQS receive loop')];
}
type Fact = ReturnType<typeof consumerFact>;

export const sqs: LibraryTable = {
  name: 'sqs',
  transitions: {
    [`${V3}#SQSClient|new`]: 'sqs.Client',
    [`${V3}#SQS|new`]: 'sqs.Client',
    [`${V3}#SQSClient|instance`]: 'sqs.Client',
    'aws-sdk#SQS|new': 'sqs.Client',
  },
  operations: {
    'sqs.Client|send': (call, analysis) => {
      const cmdNode = arg(call, 0);
      const name = commandName(cmdNode, analysis);
      let input: Node | undefined;
      if (cmdNode && Node.isNewExpression(cmdNode)) input = cmdNode.getArguments()[0];
      else if (cmdNode && Node.isIdentifier(cmdNode)) {
        const decl = cmdNode.getSymbol()?.getDeclarations()[0];
        const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
        if (init && Node.isNewExpression(init)) input = init.getArguments()[0];
      }
      if (name === 'SendMessageCommand' || name === 'SendMessageBatchCommand') {
        const queue = prop(input, 'QueueUrl');
        const dedup = !!prop(input, 'MessageDeduplicationId');
        const carriers = name === 'SendMessageCommand'
          ? [prop(input, 'MessageAttributes'), prop(input, 'MessageBody')]
          : [prop(input, 'Entries')];
        return publishFact('@aws-sdk/client-sqs', call, `SQS ${name}`, queue ? stringValue(queue) ?? queue.getText() : undefined,
          input ? carriers : [input], { nonIdempotent: !dedup, opaque: !input });
      }
      if (name === 'ReceiveMessageCommand') return receiveLoop(call);
      return undefined;
    },
    'sqs.Client|sendMessage': (call) => {
      const input = arg(call, 0);
      return publishFact('aws-sdk', call, 'SQS sendMessage', stringValue(prop(input, 'QueueUrl')),
        [prop(input, 'MessageAttributes'), prop(input, 'MessageBody')]);
    },
    'sqs.Client|receiveMessage': (call) => receiveLoop(call),
    'sqs-consumer#Consumer|create': (call, analysis) => {
      const opts = arg(call, 0);
      const value = prop(opts, 'handleMessage') ?? prop(opts, 'handleMessageBatch');
      const keyNode = value?.getParent();
      const reportAt = keyNode && Node.isPropertyAssignment(keyNode) ? keyNode.getNameNode() : calleeName(call);
      return consumerFact('sqs-consumer', call, reportAt, analysis.functionFrom(value), stringValue(prop(opts, 'queueUrl')), 'sqs-consumer handleMessage');
    },
  },
};
