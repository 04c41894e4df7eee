/**
 * non-idempotent-consumer, one process starting two NestJS apps: a controller is served only over
 * the transports of the apps whose module graph holds it (facts/nestModuleGraph.ts). A handler in
 * the TCP app's graph is request/response even though the same main.ts also starts a Kafka app.
 */
import { runRuleTests } from '../support/ruleTester';

const groupsController = `import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Pool } from 'pg';

const pool = new Pool();

@Controller()
export class GroupsController {
  @MessagePattern('create_group')
  async create(@Payload() body: { name: string }) {
    await pool.query('INSERT INTO groups (name) VALUES ($1)', [body.name]);
  }
}
`;

const eventsController = `import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Pool } from 'pg';

const pool = new Pool();

@Controller()
export class EventsController {
  @EventPattern('group-events')
  async onEvent(@Payload() event: { groupId: string; action: string }) {
    await pool.query('INSERT INTO group_logs (group_id, action) VALUES ($1, $2)', [event.groupId, event.action]);
    await pool.query('UPDATE groups SET members = members + 1 WHERE id = $1', [event.groupId]);
  }
}
`;

/** main.ts starting a TCP app from AppModule and a Kafka app from KafkaAppModule. */
const hybridMain = `import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import { AppModule } from './app.module';
import { KafkaAppModule } from './kafka-app.module';

async function bootstrap() {
  const tcpApp = await NestFactory.createMicroservice<MicroserviceOptions>(AppModule, { transport: Transport.TCP, options: { port: 4008 } });
  const kafkaApp = await NestFactory.createMicroservice<MicroserviceOptions>(KafkaAppModule, {
    transport: Transport.KAFKA,
    options: { client: { brokers: ['kafka:9092'] }, consumer: { groupId: 'groups' } },
  });
  await Promise.all([tcpApp.listen(), kafkaApp.listen()]);
}
bootstrap();
`;

const modules = {
  'apps/groups/src/app.module.ts': `import { Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { GroupsModule } from './groups/groups.module';

@Module({ imports: [ConfigModule.forRoot({ isGlobal: true }), GroupsModule] })
export class AppModule {}
`,
  'apps/groups/src/groups/groups.module.ts': `import { Module } from '@nestjs/common';
import { GroupsController } from './groups.controller';

@Module({ controllers: [GroupsController] })
export class GroupsModule {}
`,
  'apps/groups/src/kafka-app.module.ts': `import { Module } from '@nestjs/common';
import { ConsumerModule } from './consumer/consumer.module';

@Module({ imports: [ConsumerModule] })
export class KafkaAppModule {}
`,
  'apps/groups/src/consumer/consumer.module.ts': `import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';

@Module({ controllers: [EventsController] })
export class ConsumerModule {}
`,
  'apps/groups/src/groups/groups.controller.ts': groupsController,
  'apps/groups/src/consumer/events.controller.ts': eventsController,
  'apps/groups/src/main.ts': hybridMain,
};

runRuleTests('non-idempotent-consumer', {
  valid: [
    {
      // Nest routes patterns to controllers only: the decorator on a service routes nothing.
      name: 'an @EventPattern on an @Injectable() provider, not a controller, is not a handler',
      files: {
        ...modules,
        'apps/groups/src/consumer/events.controller.ts': eventsController
          .replace("import { Controller } from '@nestjs/common';", "import { Injectable } from '@nestjs/common';")
          .replace('@Controller()', '@Injectable()'),
      },
    },
    {
      name: 'a controller only the TCP app\'s module graph holds: request/response, though main.ts also starts a Kafka app',
      files: { ...modules, 'apps/groups/src/consumer/events.controller.ts': eventsController.replace(/ {4}await pool[^\n]*\n/g, '') },
    },
  ],
  invalid: [
    {
      name: 'the controller the Kafka app\'s module graph holds is reported, with Kafka\'s redelivery (direct evidence)',
      files: modules,
      errors: [{ messageId: 'unguarded', file: 'apps/groups/src/consumer/events.controller.ts', line: 9, column: 4, severity: 'error' }],
    },
    {
      name: 'a controller both graphs hold (imported through forwardRef and a spread array) is served over Kafka too',
      files: {
        ...modules,
        'apps/groups/src/kafka-app.module.ts': `import { Module, forwardRef } from '@nestjs/common';
import { ConsumerModule } from './consumer/consumer.module';
import { GroupsModule } from './groups/groups.module';

const FEATURES = [forwardRef(() => GroupsModule)];

@Module({ imports: [ConsumerModule, ...FEATURES] })
export class KafkaAppModule {}
`,
      },
      errors: [
        { messageId: 'unguarded', file: 'apps/groups/src/consumer/events.controller.ts', line: 9, column: 4, severity: 'error' },
        { messageId: 'unguarded', file: 'apps/groups/src/groups/groups.controller.ts', line: 9, column: 4, severity: 'error' },
      ],
    },
    {
      name: 'a module graph the engine cannot read (a module list from a function) keeps every app of the process',
      files: {
        ...modules,
        'apps/groups/src/app.module.ts': `import { Module } from '@nestjs/common';
import { featureModules } from './features';

@Module({ imports: featureModules() })
export class AppModule {}
`,
        'apps/groups/src/features.ts': `import { GroupsModule } from './groups/groups.module';
export const featureModules = () => [GroupsModule];
`,
        'apps/groups/src/kafka-app.module.ts': `import { Module } from '@nestjs/common';
@Module({ imports: [] })
export class KafkaAppModule {}
`,
      },
      errors: [
        { messageId: 'unguarded', file: 'apps/groups/src/consumer/events.controller.ts', line: 9, column: 4, severity: 'error' },
        { messageId: 'unguarded', file: 'apps/groups/src/groups/groups.controller.ts', line: 9, column: 4, severity: 'error' },
      ],
    },
  ],
});
