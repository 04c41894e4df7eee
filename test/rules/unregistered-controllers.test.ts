/**
 * A NestJS `@Controller()` serves routes only once a module lists it in `controllers`, which needs its
 * name. One whose import and list entry are commented out serves nothing: the sends in its methods make
 * no hop. A controller the module list names (through a barrel array) is checked as usual.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

const DISCOUNTS_CONTROLLER = lines(
  "import { Controller, Inject, Post, Body } from '@nestjs/common';",
  "import { ClientProxy } from '@nestjs/microservices';",
  '',
  "@Controller('discounts')",
  'export class DiscountsController {',
  "  constructor(@Inject('MANAGEMENTS') private readonly client: ClientProxy) {}",
  '',
  '  @Post()',
  '  create(@Body() body: { code: string }) {',
  "    return this.client.send('managements.createDiscount', body);",
  '  }',
  '}',
);

const controllersIndex = (registered: boolean) => lines(
  `${registered ? '' : '// '}import { DiscountsController } from './discounts.controller';`,
  "import { HealthController } from './health.controller';",
  '',
  'export const ListControllers = [',
  '  HealthController,',
  `  ${registered ? '' : '// '}DiscountsController,`,
  '];',
);

const files = (registered: boolean) => ({
  'apps/api/src/main.ts': lines("import { NestFactory } from '@nestjs/core';", "import { AppModule } from './app.module';", 'NestFactory.create(AppModule).then((app) => app.listen(3000));'),
  'apps/api/src/app.module.ts': lines("import { Module } from '@nestjs/common';", "import { ListControllers } from './controllers';", '@Module({ controllers: ListControllers })', 'export class AppModule {}'),
  'apps/api/src/controllers/index.ts': controllersIndex(registered),
  'apps/api/src/controllers/health.controller.ts': lines("import { Controller, Get } from '@nestjs/common';", "@Controller('health')", 'export class HealthController {', '  @Get()', "  check() { return 'ok'; }", '}'),
  'apps/api/src/controllers/discounts.controller.ts': DISCOUNTS_CONTROLLER,
  'apps/managements/src/main.ts': lines("import { NestFactory } from '@nestjs/core';", "import { Transport } from '@nestjs/microservices';", "import { AppModule } from './app.module';", 'NestFactory.createMicroservice(AppModule, { transport: Transport.TCP }).then((app) => app.listen());'),
  'apps/managements/src/discounts.controller.ts': lines("import { Controller } from '@nestjs/common';", "import { MessagePattern } from '@nestjs/microservices';", '@Controller()', 'export class DiscountsMntController {', "  @MessagePattern('managements.createDiscount')", '  create(body: unknown) { return body; }', '}'),
});

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'the controller is commented out of the module list', files: files(false) },
  ],
  invalid: [
    {
      name: 'the controller is listed (through a barrel array)',
      files: files(true),
      errors: [{ messageId: 'missing', file: 'apps/api/src/controllers/discounts.controller.ts', ...at(DISCOUNTS_CONTROLLER, "send('managements") }],
    },
  ],
});
