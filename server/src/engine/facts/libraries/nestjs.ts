/** NestJS microservices: `@EventPattern`/`@MessagePattern` handlers and `ClientProxy.emit/send`. */
import { Node, VariableDeclarationKind } from 'ts-morph';
import type { LibraryTable } from './table';
import { consumerFact, publishFact } from './build';
import { arg, calleeName, channelName, initializerOf, propName } from '../syntax';
import { decoratorUses } from '../composedDecorators';
import type { Analysis } from '../analysis';
import { nestServerOperations, nestServerTransitions, nestTransportMember } from './nestServer';

const NEST = '@nestjs/microservices';

function patternHandler(call: Node, kind: string, analysis: Analysis) {
  // On the method itself, or composed into a decorator factory with applyDecorators (composedDecorators.ts).
  return decoratorUses(call, analysis).flatMap(({ call: at, target: method, argument }) => {
    if (!Node.isMethodDeclaration(method)) return [];
    // Nest registers pattern handlers of controllers only: on an `@Injectable()` provider the decorator routes nothing.
    const cls = method.getParent();
    if (Node.isClassDeclaration(cls) && cls.getDecorator('Injectable') && !cls.getDecorator('Controller')) return [];
    const given = argument(arg(call, 0));
    const pattern = nestPattern(given);
    const shown = pattern === undefined ? given?.getText() ?? '' : pattern.startsWith('{') ? pattern : `'${pattern}'`;
    const name = at === call ? kind : `${calleeName(at).getText()} → ${kind}`;
    const fact = consumerFact(NEST, at, calleeName(at), method, pattern, `@${name}(${shown}) handler`);
    // `@EventPattern('x', Transport.KAFKA)`: the handler serves that transport only (RMQ's ack mode is the server's).
    const transport = argument(arg(call, 1));
    const member = nestTransportMember(transport);
    if (transport && member !== undefined) fact.transportHint = member;
    // A request handler: Nest turns its error into the reply, so a failure is answered, not redelivered.
    if (kind === 'MessagePattern') fact.request = true;
    return [fact];
  });
}

function emit(call: Node) {
  const pattern = nestPattern(arg(call, 0));
  const method = calleeName(call).getText();
  const fact = publishFact(NEST, call, `client.${method}("${pattern ?? arg(call, 0)?.getText() ?? '?'}")`, pattern, [arg(call, 1)], { channelNode: arg(call, 0), payload: { node: arg(call, 1) } });
  return method === 'send' ? { ...fact, request: true } : fact;
}

/**
 * The route Nest matches a pattern by: a string as is, an object (`{ cmd: 'notify_email' }`) by its
 * keys and values with the keys sorted, as Nest serialises it (written `{ cmd: 'notify_email' }`,
 * `;` between keys: a channel name has no commas); undefined when a part does not resolve.
 */
export function nestPattern(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const inner = Node.isAsExpression(node) || Node.isParenthesizedExpression(node) ? node.getExpression() : node;
  if (Node.isIdentifier(inner)) {
    // `const pattern = { cmd: 'get-webhookurl' }; client.send(pattern, payload)`: the object the const holds.
    const init = initializerOf(inner);
    const decl = init?.getParent();
    if (init && Node.isObjectLiteralExpression(init) && decl && Node.isVariableDeclaration(decl) && decl.getVariableStatement()?.getDeclarationKind() === VariableDeclarationKind.Const) return nestPattern(init);
  }
  if (!Node.isObjectLiteralExpression(inner)) return channelName(node);
  const entries: [string, string | number][] = [];
  for (const p of inner.getProperties()) {
    if (!Node.isPropertyAssignment(p)) return undefined;
    const value = p.getInitializerOrThrow();
    const v = Node.isNumericLiteral(value) ? value.getLiteralValue() : channelName(value);
    if (v === undefined) return undefined;
    entries.push([propName(p.getNameNode()), v]);
  }
  const sorted = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{ ${sorted.map(([k, v]) => `${k}: ${typeof v === 'string' ? `'${v}'` : v}`).join('; ')} }`;
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
    [`${NEST}#EventPattern|()`]: (call, analysis) => patternHandler(call, 'EventPattern', analysis),
    [`${NEST}#MessagePattern|()`]: (call, analysis) => patternHandler(call, 'MessagePattern', analysis),
    'nest.ClientProxy|emit': (call) => emit(call),
    'nest.ClientProxy|send': (call) => emit(call),
    ...nestServerOperations,
  },
};
