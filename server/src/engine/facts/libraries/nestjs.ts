/** NestJS microservices: `@EventPattern`/`@MessagePattern` handlers and `ClientProxy.emit/send`. */
import { Node } from 'ts-morph';
import type { LibraryTable } from './table';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, stringValue } from '../syntax';
import { nestServerOperations, nestServerTransitions, nestTransportMember } from './nestServer';

const NEST = '@nestjs/microservices';

function patternHandler(call: Node, kind: string) {
  const decorator = call.getParent();
  if (!decorator || !Node.isDecorator(decorator)) return undefined;
  const method = decorator.getParent();
  if (!method || !Node.isMethodDeclaration(method)) return undefined;
  const literal = stringValue(arg(call, 0));
  const pattern = literal ?? arg(call, 0)?.getText();
  const shown = literal !== undefined ? `'${literal}'` : pattern ?? '';
  const fact = consumerFact(NEST, call, calleeName(call), method, pattern, `@${kind}(${shown}) handler`);
  // `@EventPattern('x', Transport.KAFKA)`: the handler serves that transport only (RMQ's ack mode is the server's).
  const given = arg(call, 1);
  const member = nestTransportMember(given);
  if (given && member !== undefined) fact.transportHint = member;
  return fact;
}

function emit(call: Node) {
  const pattern = stringValue(arg(call, 0)) ?? arg(call, 0)?.getText();
  return publishFact(NEST, call, `client.${calleeName(call).getText()}("${pattern ?? '?'}")`, pattern, [arg(call, 1)]);
}

export const nestjs: LibraryTable = {
  name: 'nestjs',
  transitions: {
    [`${NEST}#ClientProxy|instance`]: 'nest.ClientProxy',
    [`${NEST}#ClientKafka|instance`]: 'nest.ClientProxy',
    [`${NEST}#ClientRMQ|instance`]: 'nest.ClientProxy',
    [`${NEST}#ClientNats|instance`]: 'nest.ClientProxy',
    [`${NEST}#ClientRedis|instance`]: 'nest.ClientProxy',
    [`${NEST}#ClientProxyFactory|create()`]: 'nest.ClientProxy',
    ...nestServerTransitions,
  },
  operations: {
    [`${NEST}#EventPattern|()`]: (call) => patternHandler(call, 'EventPattern'),
    [`${NEST}#MessagePattern|()`]: (call) => patternHandler(call, 'MessagePattern'),
    'nest.ClientProxy|emit': (call) => emit(call),
    'nest.ClientProxy|send': (call) => emit(call),
    ...nestServerOperations,
  },
};
