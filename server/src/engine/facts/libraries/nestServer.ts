/**
 * NestJS microservice bootstraps: `NestFactory.createMicroservice(Module, options)` and
 * `app.connectMicroservice(options)`. Each is a `server` fact carrying the transport the app
 * serves, read from the options (`transport: Transport.KAFKA`, `strategy: new ServerKafka(...)` or
 * a subclass, a config function returning either, or the options' declared type `KafkaOptions`);
 * `createMicroservice` without options serves TCP, Nest's default. Undefined when unreadable.
 */
import { Node } from 'ts-morph';
import type { Fact } from '../facts';
import type { Analysis } from '../analysis';
import type { OperationAnalyzer } from './table';
import { NEST_SERVER_CLASSES, NEST_TRANSPORTS, TRANSPORTS, type TransportId } from './delivery';
import { arg, calleeName, initializerOf, prop, receiver } from '../syntax';
import { classOf } from '../nestModuleGraph';
import { constantValue } from '../constantValues';

const MAX_DEPTH = 4;

/** Transport contexts (`@Ctx() context: RmqContext`) whose `getMessage()` is the raw message being handled. */
export const NEST_MESSAGE_CONTEXTS: ReadonlySet<string> = new Set(['RmqContext', 'KafkaContext']);

/** `Transport.KAFKA` (or `Transport['KAFKA']`) to the table's transport, RMQ still undecided. */
export function nestTransportMember(node: Node | undefined): TransportId | 'rmq' | undefined {
  // `transport: Transport.RMQ as any` (a cast to satisfy an options type) names the same member.
  while (node && (Node.isAsExpression(node) || Node.isParenthesizedExpression(node) || Node.isNonNullExpression(node) || Node.isSatisfiesExpression(node))) node = node.getExpression();
  const m = node?.getText().match(/^Transport\s*(?:\.\s*(\w+)|\[\s*['"](\w+)['"]\s*\])$/);
  return m ? NEST_TRANSPORTS[m[1] ?? m[2]] : undefined;
}

/** The object literal an options expression evaluates to: through consts, awaits and workspace functions returning one. */
function optionsObject(node: Node | undefined, analysis: Analysis, depth = 0): Node | undefined {
  if (!node || depth > MAX_DEPTH) return undefined;
  if (Node.isObjectLiteralExpression(node)) return node;
  if (Node.isParenthesizedExpression(node) || Node.isAsExpression(node) || Node.isSatisfiesExpression(node) ||
      Node.isAwaitExpression(node) || Node.isNonNullExpression(node)) {
    return optionsObject(node.getExpression(), analysis, depth + 1);
  }
  if (Node.isIdentifier(node) || Node.isPropertyAccessExpression(node)) return optionsObject(initializerOf(node), analysis, depth + 1);
  if (Node.isCallExpression(node)) {
    const fn = analysis.resolveCallee(node);
    if (!fn) return undefined;
    const body = Node.isArrowFunction(fn) ? fn.getBody() : (fn as unknown as { getBody?(): Node | undefined }).getBody?.();
    if (!body) return undefined;
    if (!Node.isBlock(body)) return optionsObject(body, analysis, depth + 1);
    const returns = body.getStatements().flatMap((s) => (Node.isReturnStatement(s) ? [s] : []));
    return returns.length === 1 ? optionsObject(returns[0].getExpression(), analysis, depth + 1) : undefined;
  }
  return undefined;
}

/** The server class a `strategy: new X(...)` builds, by name through workspace base classes. */
function strategyTransport(node: Node | undefined): TransportId | 'rmq' | undefined {
  if (!node || !Node.isNewExpression(node)) return undefined;
  const name = node.getExpression().getText();
  if (NEST_SERVER_CLASSES[name]) return NEST_SERVER_CLASSES[name];
  try {
    let symbol = node.getExpression().getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    let cls: Node | undefined = symbol?.getDeclarations()[0];
    for (let i = 0; i < MAX_DEPTH && cls && Node.isClassDeclaration(cls); i++) {
      const base = cls.getExtends()?.getExpression().getText();
      if (base && NEST_SERVER_CLASSES[base]) return NEST_SERVER_CLASSES[base];
      cls = cls.getBaseClass();
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** RMQ: Nest acknowledges on receipt unless `options.noAck` is `false`. */
function rmqDelivery(options: Node | undefined): TransportId | undefined {
  const noAck = prop(prop(options, 'options'), 'noAck');
  if (!noAck) return 'rabbitmq-noack';
  const value = flag(noAck);
  return value === true ? 'rabbitmq-noack' : value === false ? 'rabbitmq-ack' : undefined;
}

/**
 * A boolean option's value: a literal, or a constant it is read from (`noAck` destructured from
 * what a config function returns: `const { rabbitmq: { noAck } } = configuration()`).
 */
function flag(node: Node): boolean | undefined {
  if (Node.isTrueLiteral(node)) return true;
  if (Node.isFalseLiteral(node)) return false;
  const v = constantValue(node, node.getSourceFile());
  return typeof v === 'boolean' ? v : undefined;
}

/** The options' declared type (`KafkaOptions`, `RmqOptions`...), when the syntax does not say. */
function declaredTransport(node: Node): TransportId | 'rmq' | undefined {
  let text: string;
  try {
    text = node.getType().getText(node);
  } catch {
    return undefined;
  }
  const m = text.match(/^(Tcp|Grpc|Redis|Nats|Mqtt|Kafka|Rmq)Options$/);
  return m ? NEST_TRANSPORTS[m[1].toUpperCase()] : undefined;
}

export function serverTransport(options: Node | undefined, analysis: Analysis, defaultTcp: boolean): TransportId | undefined {
  if (!options) return defaultTcp ? 'nest-tcp' : undefined;
  const obj = optionsObject(options, analysis);
  let found: TransportId | 'rmq' | undefined;
  if (obj && Node.isObjectLiteralExpression(obj)) {
    const transport = prop(obj, 'transport');
    const strategy = prop(obj, 'strategy');
    if (transport) found = nestTransportMember(transport);
    else if (strategy) found = strategyTransport(strategy);
    else if (!obj.getProperties().some((p) => Node.isSpreadAssignment(p))) found = 'nest-tcp';
  }
  found ??= declaredTransport(options);
  if (found === 'rmq') return rmqDelivery(obj);
  return found;
}

/**
 * A custom strategy of a class we do not know (`strategy: new AmqpServer({ noAck: false, ... })`):
 * the RabbitMQ delivery its static options give, should it serve RabbitMQ (a handler's decorator
 * names `Transport.RMQ`). Undefined when the options do not say `noAck: true | false`.
 */
function customStrategyAck(options: Node | undefined, analysis: Analysis): TransportId | undefined {
  const obj = optionsObject(options, analysis);
  const strategy = obj && Node.isObjectLiteralExpression(obj) ? prop(obj, 'strategy') : undefined;
  if (!strategy || !Node.isNewExpression(strategy) || strategyTransport(strategy)) return undefined;
  const given = optionsObject(strategy.getArguments()[0], analysis);
  const noAck = prop(given, 'noAck') ?? prop(prop(given, 'options'), 'noAck');
  const value = noAck && flag(noAck);
  return value === false ? 'rabbitmq-ack' : value === true ? 'rabbitmq-noack' : undefined;
}

function serverFact(call: Node, options: Node | undefined, analysis: Analysis, defaultTcp: boolean, how: string, root: Node | undefined): Fact {
  const transport = serverTransport(options, analysis, defaultTcp);
  const rmqIf = transport ? undefined : customStrategyAck(options, analysis);
  const rootModule = classOf(root);
  return {
    kind: 'server', node: calleeName(call), library: '@nestjs/microservices', transport,
    ...(rmqIf ? { rmqIf } : {}),
    ...(rootModule ? { rootModule } : {}),
    detail: `${how} (${transport ? TRANSPORTS[transport].name : 'transport not determined'})`,
  };
}

/** `app.connectMicroservice(...)` where `const app = await NestFactory.create(AppModule)`: AppModule. */
function appRootModule(call: Node): Node | undefined {
  const app = receiver(call);
  let init = app && (Node.isIdentifier(app) || Node.isPropertyAccessExpression(app)) ? initializerOf(app) : undefined;
  while (init && (Node.isAwaitExpression(init) || Node.isParenthesizedExpression(init) || Node.isAsExpression(init))) init = init.getExpression();
  if (!init || !Node.isCallExpression(init) || !/^NestFactory\.create$/.test(init.getExpression().getText())) return undefined;
  return init.getArguments()[0];
}

export const nestServerOperations: Record<string, OperationAnalyzer> = {
  '@nestjs/core#NestFactory|createMicroservice': (call, analysis) => serverFact(call, arg(call, 1), analysis, true, 'NestFactory.createMicroservice', arg(call, 0)),
  'nest.App|connectMicroservice': (call, analysis) => serverFact(call, arg(call, 0), analysis, false, 'app.connectMicroservice', appRootModule(call)),
};

export const nestServerTransitions: Record<string, string> = {
  '@nestjs/core#NestFactory|create()': 'nest.App',
  '@nestjs/common#INestApplication|instance': 'nest.App',
  '@nestjs/common#INestMicroservice|instance': 'nest.App',
};
