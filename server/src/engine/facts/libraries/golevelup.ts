/**
 * `@golevelup/nestjs-rabbitmq` (and its predecessor `@nestjs-plus/rabbitmq`):
 * `@RabbitSubscribe({ exchange, routingKey, queue })` / `@RabbitRPC` handlers and
 * `AmqpConnection.publish(exchange, routingKey, message, options)`, and subscriptions made in code
 * with `AmqpConnection.createSubscriber(handler, { exchange, routingKey, queue })`.
 */
import { Node } from 'ts-morph';
import type { LibraryTable, OperationAnalyzer } from './table';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, prop, stringValue } from '../syntax';
import { decoratorUses } from '../composedDecorators';
import { channelEnd } from '../channelIdentity';

const MODULES = ['@golevelup/nestjs-rabbitmq', '@nestjs-plus/rabbitmq'];

function handler(kind: string): OperationAnalyzer {
  // On the method itself, or composed into a decorator factory with applyDecorators (composedDecorators.ts).
  return (call, analysis) => decoratorUses(call, analysis).flatMap(({ call: at, target: method, argument }) => {
    if (!Node.isMethodDeclaration(method)) return [];
    const opts = arg(call, 0);
    const queue = stringValue(argument(prop(opts, 'queue')));
    const key = stringValue(argument(prop(opts, 'routingKey')));
    const exchange = stringValue(argument(prop(opts, 'exchange')));
    const channel = queue ?? [exchange, key].filter(Boolean).join('/') ?? undefined;
    const shown = at === call ? kind : `${calleeName(at).getText()} → ${kind}`;
    const fact = consumerFact(MODULES[0], at, calleeName(at), method, channel || undefined, `@${shown}(${channel ? `"${channel}"` : ''}) handler`, 'rabbitmq-ack');
    // The subscription binds its queue to the exchange with the routing key as pattern (libraries/exchangeRouting.ts).
    return [exchange ? { ...fact, exchange: { name: exchange, ...(key !== undefined ? { key } : {}) } } : fact];
  });
}

/** `publish(exchange, routingKey, message, options)`: options carry headers, correlationId, messageId. */
const publish: OperationAnalyzer = (call) => {
  const exchange = stringValue(arg(call, 0));
  const key = stringValue(arg(call, 1));
  const channel = [exchange, key].filter(Boolean).join('/') || undefined;
  const fact = publishFact(MODULES[0], call, `amqpConnection.${calleeName(call).getText()} to "${channel ?? '?'}"`, channel, [arg(call, 3), arg(call, 2)], { payload: { node: arg(call, 2) }, channelNode: arg(call, 0) });
  return exchange ? { ...fact, exchange: { name: exchange, ...(key !== undefined ? { key } : {}) } } : fact;
};

/** `request({ exchange, routingKey, payload, headers, correlationId })`. */
const request: OperationAnalyzer = (call) => {
  const opts = arg(call, 0);
  const channel = [stringValue(prop(opts, 'exchange')), stringValue(prop(opts, 'routingKey'))].filter(Boolean).join('/') || undefined;
  return publishFact(MODULES[0], call, `amqpConnection.request to "${channel ?? '?'}"`, channel, [opts]);
};

/**
 * `amqpConnection.createSubscriber(handler, { exchange, routingKey, queue }, name)`: a subscription made in
 * code; its queue (or routing key) may be a parameter of a wrapper whose callers name it.
 */
const createSubscriber: OperationAnalyzer = (call, analysis) => {
  const opts = arg(call, 1);
  const end = channelEnd(prop(opts, 'queue') ?? prop(opts, 'routingKey'));
  const exchange = stringValue(prop(opts, 'exchange'));
  const key = stringValue(prop(opts, 'routingKey'));
  const fact = consumerFact(MODULES[0], call, calleeName(call), analysis.functionFrom(arg(call, 0)), end.channel,
    `amqpConnection.createSubscriber handler${end.channel ? ` for "${end.channel}"` : ''}`, 'rabbitmq-ack');
  return { ...fact, ...end, ...(exchange ? { exchange: { name: exchange, ...(key !== undefined ? { key } : {}) } } : {}) };
};

const transitions: Record<string, string> = {};
const operations: Record<string, OperationAnalyzer> = {};
for (const m of MODULES) {
  transitions[`${m}#AmqpConnection|instance`] = 'golevelup.AmqpConnection';
  operations[`${m}#RabbitSubscribe|()`] = handler('RabbitSubscribe');
  operations[`${m}#RabbitRPC|()`] = handler('RabbitRPC');
}
operations['golevelup.AmqpConnection|publish'] = publish;
operations['golevelup.AmqpConnection|request'] = request;
operations['golevelup.AmqpConnection|createSubscriber'] = createSubscriber;

export const golevelup: LibraryTable = { name: 'golevelup-rabbitmq', transitions, operations };
