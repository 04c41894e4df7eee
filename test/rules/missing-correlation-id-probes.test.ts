/**
 * missing-correlation-id and health probes: a gateway's health check that asks each service whether it
 * answers (`healthCheckService(client, Pattern.isHealthy)` sending over the NestJS client) is no step of
 * a business flow. The same send in a function named for business work is a hop.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const gateway = (fn: string) => lines(
  "import { ClientProxy } from '@nestjs/microservices';",
  "import { firstValueFrom } from 'rxjs';",
  '',
  `export async function ${fn}(client: ClientProxy, key: string) {`,
  "  return firstValueFrom(client.send('utility.check', { key }));",
  '}',
);

const files = (fn: string) => ({
  'apps/api/src/main.ts': lines("import { NestFactory } from '@nestjs/core';", "import { AppModule } from './app.module';", 'NestFactory.create(AppModule).then((app) => app.listen(3000));'),
  'apps/api/src/health.ts': gateway(fn),
  'apps/utility/src/main.ts': lines("import { NestFactory } from '@nestjs/core';", "import { Transport } from '@nestjs/microservices';", "import { AppModule } from './app.module';", 'NestFactory.createMicroservice(AppModule, { transport: Transport.TCP }).then((app) => app.listen());'),
  'apps/utility/src/utility.controller.ts': lines("import { Controller } from '@nestjs/common';", "import { MessagePattern } from '@nestjs/microservices';", '@Controller()', 'export class UtilityController {', "  @MessagePattern('utility.check')", '  check() { return { status: "up" }; }', '}'),
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'a send in a function named as a health check', files: files('healthCheckService') },
    { name: 'a send in a function named as a ping', files: files('pingService') },
  ],
  invalid: [
    { name: 'the same send in a function named for business work', files: files('checkUtility'), errors: [{ messageId: 'missing', file: 'apps/api/src/health.ts', ...at(gateway('checkUtility'), "send('utility") }] },
  ],
});
