/** AWS SQS and SNS (SDK v3 commands, v2 clients) and sqs-consumer. */
import { Node } from 'ts-morph';
import type { LibraryTable } from './table';
import type { Analysis } from '../analysis';
import { consumerFact, publishFact } from './build';
import { envelopeWrittenIn } from './carrierInspection';
import { arg, calleeName, channelName, objectLiteral, optionKeyNode, prop } from '../syntax';
import { isFunctionLike } from '../analysis';

const V3 = '@aws-sdk/client-sqs';
const SNS_V3 = '@aws-sdk/client-sns';

function commandName(node: Node | undefined, analysis: Analysis, module = V3): string | undefined {
  if (!node) return undefined;
  let expr: Node = node;
  if (Node.isIdentifier(expr)) {
    const decl = expr.getSymbol()?.getDeclarations()[0];
    if (decl && Node.isVariableDeclaration(decl) && decl.getInitializer()) expr = decl.getInitializerOrThrow();
  }
  if (!Node.isNewExpression(expr)) return undefined;
  const t = analysis.typeOf(expr.getExpression());
  return t?.startsWith(`${module}#`) ? t.slice(module.length + 1) : undefined;
}

/** The input object of `client.send(new XCommand(input))` or of a command held in a const. */
function commandInput(cmdNode: Node | undefined): Node | undefined {
  if (cmdNode && Node.isNewExpression(cmdNode)) return cmdNode.getArguments()[0];
  if (cmdNode && Node.isIdentifier(cmdNode)) {
    const decl = cmdNode.getSymbol()?.getDeclarations()[0];
    const init = decl && Node.isVariableDeclaration(decl) ? decl.getInitializer() : undefined;
    if (init && Node.isNewExpression(init)) return init.getArguments()[0];
  }
  return undefined;
}

/** SNS Publish: the topic ARN names the channel; a FIFO topic's MessageDeduplicationId makes a retry harmless. */
function snsPublish(library: string, call: Node, detail: string, input: Node | undefined, batch: boolean): Fact {
  // `PhoneNumber` without a topic sends an SMS to a person: an outside side effect, not a message to a service.
  // The input may be written inline or held by a const (`const params: PublishInput = { PhoneNumber, ... }`).
  const text = (objectLiteral(input) ?? input)?.getText() ?? '';
  if (!batch && /\bPhoneNumber\s*:/.test(text) && !/\b(TopicArn|TargetArn)\s*:/.test(text)) {
    return { kind: 'sideEffect', node: calleeName(call), library, detail: 'sends an SMS (SNS)', nonIdempotent: true };
  }
  const topic = prop(input, 'TopicArn');
  const dedup = !!prop(input, 'MessageDeduplicationId');
  const carriers = batch ? [prop(input, 'PublishBatchRequestEntries')] : [prop(input, 'MessageAttributes'), prop(input, 'Message')];
  // An input built elsewhere (`this.transform(...)`, a parameter) is opaque: its attributes are unknown, not absent.
  return publishFact(library, call, detail, topic ? channelName(topic) ?? topic.getText() : undefined,
    input ? carriers : [input], { nonIdempotent: !dedup, opaque: !input || !objectLiteral(input), channelNode: topic, envelopeWrittenHere: !batch && envelopeWrittenIn(input, 'MessageAttributes') });
}

/** A receive loop: the queue it polls is named like a send's (`QueueUrl: process.env.ORDERS_QUEUE_URL`), so the two ends meet. */
function receiveLoop(call: Node, input: Node | undefined): Fact[] {
  const fn = call.getFirstAncestor(isFunctionLike);
  const queue = prop(input, 'QueueUrl');
  return [consumerFact('@aws-sdk/client-sqs', call, calleeName(call), fn, queue ? channelName(queue) ?? queue.getText() : undefined, 'SQS receive loop', 'sqs')];
}
type Fact = ReturnType<typeof consumerFact>;

export const sqs: LibraryTable = {
  name: 'sqs',
  transitions: {
    [`${V3}#SQSClient|new`]: 'sqs.Client',
    [`${V3}#SQS|new`]: 'sqs.Client',
    [`${V3}#SQSClient|instance`]: 'sqs.Client',
    'aws-sdk#SQS|new': 'sqs.Client',
    [`${SNS_V3}#SNSClient|new`]: 'sns.Client',
    [`${SNS_V3}#SNS|new`]: 'sns.Client',
    [`${SNS_V3}#SNSClient|instance`]: 'sns.Client',
    'aws-sdk#SNS|new': 'sns.Client',
    'aws-sdk#SQS|instance': 'sqs.Client',
    'aws-sdk#SNS|instance': 'sns.Client',
    'aws-sdk/clients/sqs#default|new': 'sqs.Client',
    'aws-sdk/clients/sqs#default|instance': 'sqs.Client',
    'aws-sdk/clients/sns#default|new': 'sns.Client',
    'aws-sdk/clients/sns#default|instance': 'sns.Client',
  },
  operations: {
    'sqs.Client|send': (call, analysis) => {
      const cmdNode = arg(call, 0);
      const name = commandName(cmdNode, analysis);
      const input = commandInput(cmdNode);
      if (name === 'SendMessageCommand' || name === 'SendMessageBatchCommand') {
        const queue = prop(input, 'QueueUrl');
        const dedup = !!prop(input, 'MessageDeduplicationId');
        const carriers = name === 'SendMessageCommand'
          ? [prop(input, 'MessageAttributes'), prop(input, 'MessageBody')]
          : [prop(input, 'Entries')];
        return publishFact('@aws-sdk/client-sqs', call, `SQS ${name}`, queue ? channelName(queue) ?? queue.getText() : undefined,
          input ? carriers : [input], { nonIdempotent: !dedup, opaque: !input, envelopeWrittenHere: name === 'SendMessageCommand' && envelopeWrittenIn(input, 'MessageAttributes') });
      }
      if (name === 'ReceiveMessageCommand') return receiveLoop(call, input);
      return undefined;
    },
    'sqs.Client|sendMessage': (call) => {
      const input = arg(call, 0);
      return publishFact('aws-sdk', call, 'SQS sendMessage', channelName(prop(input, 'QueueUrl')),
        [prop(input, 'MessageAttributes'), prop(input, 'MessageBody')], { envelopeWrittenHere: envelopeWrittenIn(input, 'MessageAttributes') });
    },
    'sqs.Client|sendMessageBatch': (call) => {
      const input = arg(call, 0);
      return publishFact('aws-sdk', call, 'SQS sendMessageBatch', channelName(prop(input, 'QueueUrl')), [prop(input, 'Entries')]);
    },
    'sqs.Client|receiveMessage': (call) => receiveLoop(call, arg(call, 0)),
    'sns.Client|send': (call, analysis) => {
      const cmdNode = arg(call, 0);
      const name = commandName(cmdNode, analysis, SNS_V3);
      if (name !== 'PublishCommand' && name !== 'PublishBatchCommand') return undefined;
      return snsPublish(SNS_V3, call, `SNS ${name}`, commandInput(cmdNode), name === 'PublishBatchCommand');
    },
    'sns.Client|publish': (call) => snsPublish('aws-sdk', call, 'SNS publish', arg(call, 0), false),
    'sns.Client|publishBatch': (call) => snsPublish('aws-sdk', call, 'SNS publishBatch', arg(call, 0), true),
    'sqs-consumer#Consumer|create': (call, analysis) => {
      const opts = arg(call, 0);
      const value = prop(opts, 'handleMessage') ?? prop(opts, 'handleMessageBatch');
      const reportAt = value ? optionKeyNode(value) : calleeName(call);
      return consumerFact('sqs-consumer', call, reportAt, analysis.functionFrom(value), channelName(prop(opts, 'queueUrl')), 'sqs-consumer handleMessage', 'sqs');
    },
  },
};
