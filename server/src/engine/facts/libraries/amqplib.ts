/**
 * amqplib (and amqp-connection-manager): `channel.consume`, `channel.publish`, `channel.sendToQueue`,
 * and the routing that links them: `bindQueue(queue, exchange, pattern)` and `assertExchange(name, type)`
 * (see exchangeRouting.ts). A queue named by the result of `assertQueue(name)` (`q.queue`) is that name;
 * a server-named queue (`assertQueue('')`) is the variable holding the result.
 */
import { Node } from 'ts-morph';
import type { LibraryTable } from './table';
import type { Fact } from '../facts';
import { consumerFact, isReplyAddress, publishFact } from './build';
import { envelopeWrittenIn } from './carrierInspection';
import { arg, calleeName, channelName, declarationOf, prop, stringValue } from '../syntax';
import { channelEnd, channelIdentity, unwrap } from '../channelIdentity';
import type { TransportId } from './delivery';
import { exchangeType } from './exchangeRouting';

/** The queue a name expression names: through `q.queue` / `{ queue }` of `await ch.assertQueue(name)`. */
function queueEnd(node: Node | undefined): Pick<Fact, 'channel' | 'channelIds' | 'channelFrom'> {
  const asserted = node ? assertedQueue(unwrap(node)) : undefined;
  if (!asserted) return channelEnd(node);
  const name = arg(asserted.call, 0);
  if (name && channelName(name)) return channelEnd(name);
  // A server-named queue: the variable holding it is its identity.
  return { channelIds: [`queue:${asserted.holder.getSourceFile().getFilePath()}:${asserted.holder.getStart()}`] };
}

/** The message properties are this code's: not given at all, or options written here (`{ persistent: true, contentType }`). */
function propertiesWrittenHere(options: Node | undefined): boolean {
  return !options || envelopeWrittenIn(options, 'headers');
}

function assertedQueue(node: Node): { call: Node; holder: Node } | undefined {
  let decl: Node | undefined;
  if (Node.isPropertyAccessExpression(node) && node.getName() === 'queue' && Node.isIdentifier(node.getExpression())) {
    decl = declarationOf(node.getExpression());
  } else if (Node.isIdentifier(node)) {
    const element = declarationOf(node);
    if (element && Node.isBindingElement(element) && (element.getPropertyNameNode()?.getText() ?? element.getName()) === 'queue') {
      decl = element.getFirstAncestor((a) => Node.isVariableDeclaration(a));
    }
  }
  if (!decl || !Node.isVariableDeclaration(decl)) return undefined;
  const init = decl.getInitializer();
  const call = init ? unwrap(init) : undefined;
  if (!call || !Node.isCallExpression(call) || calleeName(call).getText() !== 'assertQueue') return undefined;
  return { call, holder: decl };
}

/** An exchange name expression: its name, and its identity when not a literal. */
function exchangeOf(node: Node | undefined): { name?: string; ids?: string[] } {
  const name = channelName(node);
  const id = channelIdentity(node);
  return { ...(name && !name.includes('?') ? { name } : {}), ...(id ? { ids: [id] } : {}) };
}

/** `consume(queue, fn, { noAck: true })` is at most once; amqplib's default (noAck: false) needs an ack. Options we cannot read: unknown. */
function ackMode(options: Node | undefined): TransportId | undefined {
  if (!options) return 'rabbitmq-ack';
  if (!Node.isObjectLiteralExpression(options)) return undefined;
  const noAck = prop(options, 'noAck');
  if (!noAck) return options.getProperties().some((p) => Node.isSpreadAssignment(p)) ? undefined : 'rabbitmq-ack';
  if (Node.isTrueLiteral(noAck)) return 'rabbitmq-noack';
  if (Node.isFalseLiteral(noAck)) return 'rabbitmq-ack';
  return undefined;
}

/** Exchange options that say `durable: false`: the exchange (and what it routes) does not outlive a broker restart. */
function nonDurable(options: Node | undefined): boolean {
  const durable = prop(options, 'durable');
  return !!durable && Node.isFalseLiteral(durable);
}

/** A send that names a queue for the answer (`{ correlationId, replyTo }`): a request whose reply the sender waits for (RPC). */
function asks(options: Node | undefined): Pick<Fact, 'request'> {
  return prop(options, 'replyTo') ? { request: true } : {};
}

/**
 * The calls on a channel of `type`. `synchronous`: its publish and sendToQueue return a boolean
 * (amqplib) rather than a promise (amqp-connection-manager's ChannelWrapper).
 */
function channelOperations(type: string, synchronous: boolean): LibraryTable['operations'] {
  const sync = synchronous ? { synchronous: true } : {};
  return {
    [`${type}|consume`]: (call, analysis) => {
      // A consume wrapper (`consume(queue, handler)`) is named by its callers, like a Redis subscribe wrapper.
      const end = queueEnd(arg(call, 0));
      const handler = analysis.functionFrom(arg(call, 1));
      const fact = consumerFact('amqplib', call, calleeName(call), handler, end.channel, `amqplib consumer of queue "${end.channel ?? '?'}"`, ackMode(arg(call, 2)));
      return fact ? { ...fact, ...end } : fact;
    },
    [`${type}|publish`]: (call) => {
      const exchange = channelName(arg(call, 0));
      const key = channelName(arg(call, 1));
      const channel = [exchange, key].filter(Boolean).join('/') || undefined;
      const fact = publishFact('amqplib', call, `channel.publish to "${channel ?? '?'}"`, channel, [arg(call, 3), arg(call, 2)], { channelNode: arg(call, 0), payload: { node: arg(call, 2) }, envelopeWrittenHere: propertiesWrittenHere(arg(call, 3)) });
      return { ...fact, ...sync, ...asks(arg(call, 3)), exchange: { ...exchangeOf(arg(call, 0)), ...(key !== undefined ? { key } : {}) } };
    },
    // `bindQueue(queue, exchange, pattern)`: the queue's consumers receive what is published to the exchange with a matching key.
    [`${type}|bindQueue`]: (call) => {
      const queue = queueEnd(arg(call, 0));
      if (!queue.channel && !queue.channelIds?.length) return undefined;
      const pattern = stringValue(arg(call, 2));
      return {
        kind: 'binding', node: calleeName(call), library: 'amqplib', detail: `bindQueue to exchange "${channelName(arg(call, 1)) ?? '?'}"`,
        channel: queue.channel, ...(queue.channelIds ? { channelIds: queue.channelIds } : {}),
        exchange: { ...exchangeOf(arg(call, 1)), ...(pattern !== undefined ? { key: pattern } : {}) },
      };
    },
    [`${type}|assertExchange`]: (call) => {
      const exchange = exchangeType(stringValue(arg(call, 1)));
      if (!exchange) return undefined;
      return { kind: 'binding', node: calleeName(call), library: 'amqplib', detail: `assertExchange "${channelName(arg(call, 0)) ?? '?'}" (${exchange})`, exchange: { ...exchangeOf(arg(call, 0)), type: exchange, ...(nonDurable(arg(call, 2)) ? { durable: false as const } : {}) } };
    },
    [`${type}|sendToQueue`]: (call) => {
      const target = arg(call, 0);
      // RPC server: `sendToQueue(msg.properties.replyTo, ...)` answers one requester, who matches it by correlationId.
      if (isReplyAddress(target)) {
        return { ...publishFact('amqplib', call, 'channel.sendToQueue reply', undefined, [arg(call, 2), arg(call, 1)], { nonIdempotent: false }), ...sync, reply: true };
      }
      // A send wrapper (`publish(queue, payload)`) goes where its callers name.
      const end = queueEnd(target);
      const fact = publishFact('amqplib', call, `channel.sendToQueue "${end.channel ?? '?'}"`, end.channel, [arg(call, 2), arg(call, 1)], { channelNode: target, payload: { node: arg(call, 1) }, envelopeWrittenHere: propertiesWrittenHere(arg(call, 2)) });
      return { ...fact, ...sync, ...asks(arg(call, 2)), ...end };
    },
  };
}

export const amqplib: LibraryTable = {
  name: 'amqplib',
  transitions: {
    'amqplib#connect|()': 'amqplib.Connection',
    'amqplib.Connection|createChannel()': 'amqplib.Channel',
    'amqplib.Connection|createConfirmChannel()': 'amqplib.Channel',
    'amqplib#Connection|instance': 'amqplib.Connection',
    'amqplib#ChannelModel|instance': 'amqplib.Connection',
    'amqplib#Channel|instance': 'amqplib.Channel',
    'amqplib#ConfirmChannel|instance': 'amqplib.Channel',
    // amqplib/callback_api (the RabbitMQ tutorials): `connect(url, (err, conn) => conn.createChannel((err, ch) => ...))`.
    'amqplib#default|connect():param1': 'amqplib.Connection',
    'amqplib#*|connect():param1': 'amqplib.Connection',
    'amqplib.Connection|createChannel():param1': 'amqplib.Channel',
    'amqplib.Connection|createConfirmChannel():param1': 'amqplib.Channel',
    // amqp-connection-manager: the same calls on a ChannelWrapper, whose publish and sendToQueue return promises.
    'amqp-connection-manager#connect|()': 'amqp-connection-manager.Connection',
    'amqp-connection-manager#AmqpConnectionManager|instance': 'amqp-connection-manager.Connection',
    'amqp-connection-manager#IAmqpConnectionManager|instance': 'amqp-connection-manager.Connection',
    'amqp-connection-manager.Connection|createChannel()': 'amqp-connection-manager.ChannelWrapper',
    'amqp-connection-manager#ChannelWrapper|instance': 'amqp-connection-manager.ChannelWrapper',
  },
  operations: {
    ...channelOperations('amqplib.Channel', true),
    ...channelOperations('amqp-connection-manager.ChannelWrapper', false),
  },
};
