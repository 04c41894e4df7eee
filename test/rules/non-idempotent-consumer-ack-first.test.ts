/**
 * non-idempotent-consumer and a handler that acknowledges its message first: once RabbitMQ has the ack
 * (amqplib `channel.ack(msg)`, or NestJS RMQ through a helper that calls `getChannelRef().ack(...)`)
 * it never delivers the message again, so the effects after the ack run at most once. An ack after
 * the effects, or inside a branch, leaves them repeatable.
 */
import { runRuleTests } from '../support/ruleTester';
import { at, lines } from './libraries/helpers';

/** An amqplib consumer whose callback runs `body` (the insert, and an ack somewhere). */
const consumer = (...body: string[]) => lines(
  "import amqp from 'amqplib';",
  "import { Pool } from 'pg';",
  '',
  'const pool = new Pool();',
  '',
  'export async function start() {',
  "  const channel = await (await amqp.connect('amqp://rabbitmq')).createChannel();",
  "  await channel.consume('user.registered', async (msg) => {",
  '    if (!msg) return;',
  ...body.map((l) => `    ${l}`),
  '  });',
  '}',
);

const INSERT = "await pool.query('INSERT INTO welcome_mails (user_id) VALUES ($1)', [JSON.parse(msg.content.toString()).id]);";

const RMQ_SERVICE = lines(
  "import { Injectable } from '@nestjs/common';",
  "import { RmqContext } from '@nestjs/microservices';",
  '',
  '@Injectable()',
  'export class RabbitMqService {',
  '  acknowledgeMessage(context: RmqContext) {',
  '    const channel = context.getChannelRef();',
  '    channel.ack(context.getMessage());',
  '  }',
  '}',
);

const NEST_CONTROLLER = (ackFirst: boolean) => lines(
  "import { Controller } from '@nestjs/common';",
  "import { Ctx, EventPattern, Payload, RmqContext } from '@nestjs/microservices';",
  "import { Pool } from 'pg';",
  "import { RabbitMqService } from './rmq.service';",
  '',
  'const pool = new Pool();',
  '',
  '@Controller()',
  'export class MailController {',
  '  constructor(private readonly rmq: RabbitMqService) {}',
  '',
  "  @EventPattern('user.registered')",
  '  async onRegistered(@Ctx() context: RmqContext, @Payload() user: { id: string }) {',
  ...(ackFirst ? ['    this.rmq.acknowledgeMessage(context);'] : []),
  "    await pool.query('INSERT INTO welcome_mails (user_id) VALUES ($1)', [user.id]);",
  ...(ackFirst ? [] : ['    this.rmq.acknowledgeMessage(context);']),
  '  }',
  '}',
);

const NEST_MAIN = lines(
  "import { NestFactory } from '@nestjs/core';",
  "import { Transport } from '@nestjs/microservices';",
  "import { AppModule } from './app.module';",
  'async function bootstrap() {',
  "  const app = await NestFactory.createMicroservice(AppModule, { transport: Transport.RMQ, options: { urls: ['amqp://rabbitmq'], queue: 'mail', noAck: false } });",
  '  await app.listen();',
  '}',
  'bootstrap();',
);

const nest = (ackFirst: boolean) => ({
  'services/mail/src/main.ts': NEST_MAIN,
  'services/mail/src/rmq.service.ts': RMQ_SERVICE,
  'services/mail/src/mail.controller.ts': NEST_CONTROLLER(ackFirst),
});

const AMQP_LAST = consumer(INSERT, 'channel.ack(msg);');

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'amqplib: channel.ack(msg) before the insert', files: { 'services/mail/src/consumer.ts': consumer('channel.ack(msg);', INSERT) } },
    { name: 'NestJS RMQ: a helper acknowledges first', files: nest(true) },
  ],
  invalid: [
    {
      name: 'amqplib: the ack after the insert',
      files: { 'services/mail/src/consumer.ts': AMQP_LAST },
      errors: [{ messageId: 'unguarded', file: 'services/mail/src/consumer.ts', ...at(AMQP_LAST, 'consume(') }],
    },
    {
      name: 'amqplib: an ack inside a branch does not run first on every path',
      files: { 'services/mail/src/consumer.ts': consumer('if (msg.fields.redelivered) channel.ack(msg);', INSERT) },
      errors: [{ messageId: 'unguarded', file: 'services/mail/src/consumer.ts', ...at(consumer('if (msg.fields.redelivered) channel.ack(msg);', INSERT), 'consume(') }],
    },
    {
      name: 'NestJS RMQ: the helper acknowledges after the insert',
      files: nest(false),
      errors: [{ messageId: 'unguarded', file: 'services/mail/src/mail.controller.ts', ...at(NEST_CONTROLLER(false), "EventPattern('user") }],
    },
  ],
});
