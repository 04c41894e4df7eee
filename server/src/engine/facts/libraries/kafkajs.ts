/** kafkajs: `new Kafka().consumer().run({ eachMessage })`, `producer.send({ topic, messages })`. */
import { Node, type SourceFile } from 'ts-morph';
import { ts, wrapperFor } from '../walk';
import type { LibraryTable } from './table';
import { consumerFact, publishFact } from './build';
import { arg, channelName, optionKeyNode, prop, receiver } from '../syntax';

function subscribedTopic(call: Node): string | undefined {
  const recv = receiver(call);
  if (!recv) return undefined;
  const recvText = recv.getText();
  for (const other of subscribeCalls(call.getSourceFile())) {
    if (!Node.isCallExpression(other)) continue;
    const callee = other.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    if (callee.getExpression().getText() !== recvText) continue;
    const opts = arg(other, 0);
    const topic = channelName(prop(opts, 'topic'));
    if (topic) return topic;
    const topics = prop(opts, 'topics');
    if (topics && Node.isArrayLiteralExpression(topics)) {
      return topics.getElements().map((e) => channelName(e) ?? '?').join(', ');
    }
  }
  return undefined;
}

/** The `x.subscribe(...)` calls of a file, in source order; only those are wrapped. */
function subscribeCalls(file: SourceFile): Node[] {
  const wrap = wrapperFor(file);
  const out: Node[] = [];
  const visit = (raw: ts.Node): void => {
    if (ts.isCallExpression(raw) && ts.isPropertyAccessExpression(raw.expression) && raw.expression.name.text === 'subscribe') out.push(wrap(raw));
    ts.forEachChild(raw, visit);
  };
  visit(file.compilerNode);
  return out;
}

export const kafkajs: LibraryTable = {
  name: 'kafkajs',
  transitions: {
    'kafkajs#Kafka|new': 'kafkajs.Kafka',
    'kafkajs.Kafka|consumer()': 'kafkajs.Consumer',
    'kafkajs.Kafka|producer()': 'kafkajs.Producer',
    'kafkajs#Consumer|instance': 'kafkajs.Consumer',
    'kafkajs#Producer|instance': 'kafkajs.Producer',
    'kafkajs#Kafka|instance': 'kafkajs.Kafka',
    'kafkajs.Producer|transaction()': 'kafkajs.Producer',
  },
  operations: {
    'kafkajs.Consumer|run': (call, analysis) => {
      const opts = arg(call, 0);
      const facts = [];
      for (const key of ['eachMessage', 'eachBatch']) {
        const value = prop(opts, key);
        if (!value) continue;
        const handler = analysis.functionFrom(value);
        const reportAt = optionKeyNode(value);
        const topic = subscribedTopic(call);
        facts.push(consumerFact('kafkajs', call, reportAt, handler, topic, `kafkajs ${key} handler${topic ? ` for "${topic}"` : ''}`, 'kafka'));
      }
      return facts;
    },
    'kafkajs.Producer|send': (call) => {
      const opts = arg(call, 0);
      const topic = channelName(prop(opts, 'topic'));
      const messages = prop(opts, 'messages');
      return publishFact('kafkajs', call, `producer.send to "${topic ?? '?'}"`, topic, [messages ?? opts], { channelNode: prop(opts, 'topic') });
    },
    'kafkajs.Producer|sendBatch': (call) => {
      const opts = arg(call, 0);
      return publishFact('kafkajs', call, 'producer.sendBatch', undefined, [prop(opts, 'topicMessages') ?? opts]);
    },
  },
};
