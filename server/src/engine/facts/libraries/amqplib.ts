/** amqplib (and amqp-connection-manager): `channel.consume`, `channel.publish`, `channel.sendToQueue`. */
import type { LibraryTable } from './table';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, stringValue } from '../syntax';

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
    'amqp-connection-manager#connect|()': 'amqplib.Connection',
    'amqp-connection-manager#ChannelWrapper|instance': 'amqplib.Channel',
  },
  operations: {
    'amqplib.Channel|consume': (call, analysis) => {
      const queue = stringValue(arg(call, 0));
      const handler = analysis.functionFrom(arg(call, 1));
      return consumerFact('amqplib', call, calleeName(call), handler, queue, `amqplib consumer of queue "${queue ?? '?'}"`);
    },
    'amqplib.Channel|publish': (call) => {
      const exchange = stringValue(arg(call, 0));
      const key = stringValue(arg(call, 1));
      const channel = [exchange, key].filter(Boolean).join('/') || undefined;
      return publishFact('amqplib', call, `channel.publish to "${channel ?? '?'}"`, channel, [arg(call, 3), arg(call, 2)]);
    },
    'amqplib.Channel|sendToQueue': (call) => {
      const queue = stringValue(arg(call, 0));
      return publishFact('amqplib', call, `channel.sendToQueue "${queue ?? '?'}"`, queue, [arg(call, 2), arg(call, 1)]);
    },
  },
};
