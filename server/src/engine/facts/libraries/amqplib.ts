/** amqplib (and amqp-connection-manager): `channel.consume`, `channel.publish`, `channel.sendToQueue`. */
import { Node } from 'ts-morph';
import type { LibraryTable } from './table';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, channelName, prop } from '../syntax';
import { channelEnd } from '../channelIdentity';
import type { TransportId } from './delivery';

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
    'amqp-connection-manager#connect|()': 'amqplib.Connection',
    'amqp-connection-manager#ChannelWrapper|instance': 'amqplib.Channel',
  },
  operations: {
    'amqplib.Channel|consume': (call, analysis) => {
      // A consume wrapper (`consume(queue, handler)`) is named by its callers, like a Redis subscribe wrapper.
      const end = channelEnd(arg(call, 0));
      const handler = analysis.functionFrom(arg(call, 1));
      const fact = consumerFact('amqplib', call, calleeName(call), handler, end.channel, `amqplib consumer of queue "${end.channel ?? '?'}"`, ackMode(arg(call, 2)));
      return fact ? { ...fact, ...end } : fact;
    },
    'amqplib.Channel|publish': (call) => {
      const exchange = channelName(arg(call, 0));
      const key = channelName(arg(call, 1));
      const channel = [exchange, key].filter(Boolean).join('/') || undefined;
      return publishFact('amqplib', call, `channel.publish to "${channel ?? '?'}"`, channel, [arg(call, 3), arg(call, 2)], { channelNode: arg(call, 0), payload: { node: arg(call, 2) } });
    },
    'amqplib.Channel|sendToQueue': (call) => {
      const target = arg(call, 0);
      // RPC server: `sendToQueue(msg.properties.replyTo, ...)` answers one requester, who matches it by correlationId.
      if (target && /\.replyTo$/.test(target.getText())) {
        return { ...publishFact('amqplib', call, 'channel.sendToQueue reply', undefined, [arg(call, 2), arg(call, 1)], { nonIdempotent: false }), reply: true };
      }
      // A send wrapper (`publish(queue, payload)`) goes where its callers name.
      const end = channelEnd(target);
      const fact = publishFact('amqplib', call, `channel.sendToQueue "${end.channel ?? '?'}"`, end.channel, [arg(call, 2), arg(call, 1)], { channelNode: target, payload: { node: arg(call, 1) } });
      return { ...fact, ...end };
    },
  },
};
