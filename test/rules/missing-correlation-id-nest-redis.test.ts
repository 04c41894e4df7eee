/**
 * missing-correlation-id and a NestJS client in a service whose only transport is Redis (`Transport.REDIS`:
 * Redis pub/sub underneath). An emit on a channel that does not resolve (`offer.${nodeId}`) reaches whoever
 * subscribes at that moment, like a raw Redis PUBLISH: with no subscriber seen in another service, where it
 * goes would be a guess, so it is not reported. A service that also configures Kafka may send it there, and a
 * client declared with a transport's own class (`ClientRMQ`) sends over that transport.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const gateway = (clientClass: string) => lines(
  "import { Inject, Injectable } from '@nestjs/common';",
  `import { ${clientClass} } from '@nestjs/microservices';`,
  "import { SubscribeMessage } from '@nestjs/websockets';",
  '',
  '@Injectable()',
  'export class SignalGateway {',
  `  constructor(@Inject('NODES') private readonly client: ${clientClass}) {}`,
  "  @SubscribeMessage('offer')",
  '  offer(nodeId: string, peerId: string, signal: string) {',
  '    this.client.emit(`offer.${nodeId}`, { peerId, signal });',
  '  }',
  '}',
);

const GATEWAY = gateway('ClientProxy');

const service = (transports: string[], clientClass = 'ClientProxy') => ({
  'services/api/package.json': JSON.stringify({ name: 'api', version: '1.0.0', scripts: { start: 'node dist/main.js' } }),
  'services/api/src/main.ts': lines(
    "import { NestFactory } from '@nestjs/core';",
    "import { Transport } from '@nestjs/microservices';",
    "import { AppModule } from './app.module';",
    'async function bootstrap() {',
    '  const app = await NestFactory.create(AppModule);',
    `  app.connectMicroservice({ transport: Transport.${transports[0]}, options: {} });`,
    '  await app.listen(3000);',
    '}',
    'bootstrap();',
  ),
  'services/api/src/app.module.ts': lines(
    "import { Module } from '@nestjs/common';",
    "import { ClientsModule, Transport } from '@nestjs/microservices';",
    "import { SignalGateway } from './signal.gateway';",
    '@Module({',
    `  imports: [ClientsModule.register([{ name: 'NODES', transport: Transport.${transports[transports.length - 1]}, options: {} }])],`,
    '  providers: [SignalGateway],',
    '})',
    'export class AppModule {}',
  ),
  'services/api/src/signal.gateway.ts': gateway(clientClass),
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'an emit on an unresolved channel in a service whose only transport is Redis', files: service(['REDIS']) },
  ],
  invalid: [
    {
      name: 'the service also configures Kafka: the client may send there',
      files: service(['REDIS', 'KAFKA']),
      errors: [{ messageId: 'missing', file: 'services/api/src/signal.gateway.ts', ...at(GATEWAY, 'emit(') }],
    },
    {
      name: 'a client declared as ClientRMQ sends over RabbitMQ, though the service configures only Redis',
      files: service(['REDIS'], 'ClientRMQ'),
      errors: [{ messageId: 'missing', file: 'services/api/src/signal.gateway.ts', ...at(gateway('ClientRMQ'), 'emit(') }],
    },
  ],
});
