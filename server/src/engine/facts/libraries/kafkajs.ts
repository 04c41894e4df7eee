/** kafkajs (and Confluent's `KafkaJS` API): `new Kafka().consumer().run({ eachMessage })`, `producer.send({ topic, messages })`. */
import { Node, type SourceFile } from 'ts-morph';
import { ts, wrapperFor } from '../walk';
import type { LibraryTable } from './table';
import { consumerFact, publishFact, withChannelIds } from './build';
import { arg, calleeName, channelName, declarationOf, initializerOf, optionKeyNode, prop, receiver } from '../syntax';
import { channelIdentity, unwrap } from '../channelIdentity';
import { registrationSites, thinAdapterSites } from '../registrations';
import { argumentsAtCallSites } from '../carriers';
import type { Analysis } from '../analysis';

/**
 * The topic the run's consumer subscribes to; `given` maps a wrapper's parameter to its caller's argument.
 * A subscribe wrapper (`subscribeToTopic(topic) { consumer.subscribe({ topic }) }`) subscribes to the
 * topics its callers name: all of them, when they name literals.
 */
function subscribedTopic(call: Node, analysis: Analysis, given: (n: Node | undefined) => Node | undefined = (n) => n): Subscribed {
  const recv = receiver(call);
  if (!recv) return {};
  const recvText = recv.getText();
  for (const other of subscribeCalls(call.getSourceFile())) {
    if (!Node.isCallExpression(other)) continue;
    const callee = other.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    if (callee.getExpression().getText() !== recvText) continue;
    const opts = given(arg(other, 0));
    const single = prop(opts, 'topic');
    const topic = channelName(single) ?? topicsFromCallers(single, analysis) ?? topicsIterated(single);
    if (topic) return { topic };
    const ids = single ? identities([single]) : undefined;
    if (ids) return { ids };
    const topics = topicList(prop(opts, 'topics'));
    if (topics) {
      const names = topics.map((e) => channelName(e));
      return { topic: names.some((n) => n !== undefined) ? names.map((n) => n ?? '?').join(', ') : undefined, ids: identities(topics) };
    }
  }
  return {};
}

interface Subscribed {
  topic?: string;
  /** Symbolic identities of topic names that are not literals (`process.env.CACHE_TOPIC`), see channelIdentity.ts. */
  ids?: string[];
}

function identities(names: Node[]): string[] | undefined {
  const ids = names.map((n) => channelIdentity(n)).filter((id): id is string => !!id);
  return ids.length ? ids : undefined;
}

/** `topics: ['a', b]`, or a variable holding that list, also with the unset ones dropped (`[process.env.X].filter(Boolean)`). */
function topicList(node: Node | undefined): Node[] | undefined {
  let n = node && Node.isIdentifier(node) ? initializerOf(node) : node;
  n = n && unwrap(n);
  if (n && Node.isCallExpression(n)) {
    const callee = n.getExpression();
    n = Node.isPropertyAccessExpression(callee) && callee.getName() === 'filter' ? callee.getExpression() : undefined;
  }
  return n && Node.isArrayLiteralExpression(n) ? n.getElements() : undefined;
}

/** The literal topics the callers of a subscribe wrapper pass for its parameter `value`, joined (`a, b`); undefined unless all are literals. */
function topicsFromCallers(value: Node | undefined, analysis: Analysis): string | undefined {
  const param = value && Node.isIdentifier(value) ? parameterDeclaredBy(value) : undefined;
  const names = param ? argumentsAtCallSites(param, analysis).map(({ arg }) => channelName(arg)) : [];
  if (!names.length || names.some((n) => !n)) return undefined;
  return [...new Set(names)].join(', ');
}

/**
 * The topics a subscribe runs over when its topic is the element of a list it iterates:
 * `Object.keys(handlers).map((topic) => consumer.subscribe({ topic }))` (the keys of a handler map),
 * or `topics.forEach((topic) => ...)` over a list of names; joined (`a, b`), `?` for a name that is
 * not a literal.
 */
function topicsIterated(value: Node | undefined): string | undefined {
  const param = value && Node.isIdentifier(value) ? parameterDeclaredBy(value) : undefined;
  const fn = param?.getParent();
  const call = fn?.getParent();
  if (!call || !Node.isCallExpression(call) || call.getArguments()[0] !== fn) return undefined;
  const callee = call.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || !/^(map|forEach|flatMap)$/.test(callee.getName())) return undefined;
  const list = unwrap(callee.getExpression());
  let names: (string | undefined)[] | undefined;
  if (Node.isCallExpression(list) && list.getExpression().getText() === 'Object.keys') {
    const target = list.getArguments()[0];
    let obj = target && Node.isIdentifier(target) ? initializerOf(target) : target;
    obj = obj && unwrap(obj);
    if (!obj || !Node.isObjectLiteralExpression(obj)) return undefined;
    names = obj.getProperties().map((p) => {
      if (!Node.isPropertyAssignment(p) && !Node.isShorthandPropertyAssignment(p) && !Node.isMethodDeclaration(p)) return undefined;
      const nameNode = p.getNameNode();
      if (Node.isComputedPropertyName(nameNode)) {
        const e = unwrap(nameNode.getExpression());
        return channelName(Node.isArrayLiteralExpression(e) && e.getElements().length === 1 ? e.getElements()[0] : e);
      }
      return Node.isStringLiteral(nameNode) ? nameNode.getLiteralText() : nameNode.getText();
    });
  } else {
    names = topicList(list)?.map((e) => channelName(e));
  }
  if (!names?.length || names.every((n) => n === undefined)) return undefined;
  return names.map((n) => n ?? '?').join(', ');
}

/** The parameter a name (or a shorthand `{ topic }`) reads. */
function parameterDeclaredBy(id: Node): Node | undefined {
  const shorthand = id.getParent();
  const symbol = shorthand && Node.isShorthandPropertyAssignment(shorthand) ? shorthand.getValueSymbol() : id.getSymbol();
  const decl = symbol?.getDeclarations()[0];
  return decl && Node.isParameterDeclaration(decl) ? decl : undefined;
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

/** A handler written out where it is registered (`eachMessage: async (p) => ...`), not a named function. */
function isInline(value: Node): boolean {
  return Node.isArrowFunction(value) || Node.isFunctionExpression(value) || Node.isMethodDeclaration(value);
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
    // Confluent's client exposes the kafkajs API under its `KafkaJS` namespace.
    '@confluentinc/kafka-javascript#KafkaJS|.Kafka': 'kafkajs#Kafka',
    '@confluentinc/kafka-javascript#KafkaJS|.Consumer': 'kafkajs#Consumer',
    '@confluentinc/kafka-javascript#KafkaJS|.Producer': 'kafkajs#Producer',
  },
  operations: {
    'kafkajs.Consumer|run': (call, analysis) => {
      const opts = arg(call, 0);
      // `consume(topic, config, runConfig) { ...; consumer.run(runConfig) }`: the handlers are the callers'.
      const sites = opts && Node.isIdentifier(opts) ? registrationSites(call, opts, analysis) : undefined;
      if (sites?.length) {
        return sites.flatMap(({ site, argument }) => ['eachMessage', 'eachBatch'].flatMap((key) => {
          const value = prop(argument(opts), key);
          if (!value) return [];
          const { topic, ids } = subscribedTopic(call, analysis, argument);
          return [withChannelIds(consumerFact('kafkajs', site, optionKeyNode(value), analysis.functionFrom(value), topic,
            `kafkajs ${key} handler${topic ? ` for "${topic}"` : ''}, registered through ${calleeName(site).getText()}()`, 'kafka'), ids)];
        }));
      }
      const facts = [];
      for (const key of ['eachMessage', 'eachBatch']) {
        const value = prop(opts, key);
        if (!value) continue;
        const handler = analysis.functionFrom(value);
        // A shared wrapper whose inline handler only runs what each caller passes: one consumer per caller.
        const adapted = handler && isInline(value) ? thinAdapterSites(handler, analysis) : undefined;
        if (adapted && new Set(adapted.map((a) => a.handler)).size > 1) {
          for (const { site, handler: passed, argument } of adapted) {
            const { topic, ids } = subscribedTopic(call, analysis, argument);
            facts.push(withChannelIds(consumerFact('kafkajs', site, calleeName(site), passed, topic,
              `kafkajs ${key} handler${topic ? ` for "${topic}"` : ''}, registered through ${calleeName(site).getText()}()`, 'kafka'), ids));
          }
          continue;
        }
        const reportAt = optionKeyNode(value);
        const { topic, ids } = subscribedTopic(call, analysis);
        facts.push(withChannelIds(consumerFact('kafkajs', call, reportAt, handler, topic, `kafkajs ${key} handler${topic ? ` for "${topic}"` : ''}`, 'kafka'), ids));
      }
      return facts;
    },
    'kafkajs.Producer|send': (call) => {
      const opts = arg(call, 0);
      const topic = channelName(prop(opts, 'topic'));
      const messages = prop(opts, 'messages');
      const fact = publishFact('kafkajs', call, `producer.send to "${topic ?? '?'}"`, topic, [messages ?? opts], { channelNode: prop(opts, 'topic') });
      // `send(payload)` with the record its caller builds (`pushPayloadToKafka({ topic, messages })`): the caller names the topic.
      const given = opts && Node.isIdentifier(opts) && !topic && !fact.channelFrom ? declarationOf(opts) : undefined;
      return given && Node.isParameterDeclaration(given) ? { ...fact, channelFrom: { param: given, key: 'topic' } } : fact;
    },
    'kafkajs.Producer|sendBatch': (call) => {
      const opts = arg(call, 0);
      return publishFact('kafkajs', call, 'producer.sendBatch', undefined, [prop(opts, 'topicMessages') ?? opts]);
    },
  },
};
