/** `@golevelup/nestjs-rabbitmq`: `@RabbitSubscribe`/`@RabbitRPC` handlers and `AmqpConnection.publish/request`. */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const SUBSCRIBER = lines(
  "import { Injectable } from '@nestjs/common';",
  "import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  '@Injectable()',
  'export class PaymentListener {',
  '  constructor(private readonly prisma: PrismaClient) {}',
  '',
  "  @RabbitSubscribe({ exchange: 'orders', routingKey: 'order.created', queue: 'payments.charge-order' })",
  '  async chargeOrder(event: { orderId: string; total: number }) {',
  '    await this.prisma.payment.create({ data: { orderId: event.orderId, amount: event.total } });',
  '  }',
  '}',
);

const UPSERT_SUBSCRIBER = lines(
  "import { Injectable } from '@nestjs/common';",
  "import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  '@Injectable()',
  'export class PaymentListener {',
  '  constructor(private readonly prisma: PrismaClient) {}',
  '',
  "  @RabbitSubscribe({ exchange: 'orders', routingKey: 'order.created', queue: 'payments.charge-order' })",
  '  async chargeOrder(event: { orderId: string; total: number }) {',
  '    await this.prisma.payment.upsert({ where: { orderId: event.orderId }, create: { orderId: event.orderId, amount: event.total }, update: {} });',
  '  }',
  '}',
);

const PUBLISHER = lines(
  "import { Injectable } from '@nestjs/common';",
  "import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';",
  '',
  '@Injectable()',
  'export class OrderEvents {',
  '  constructor(private readonly amqp: AmqpConnection) {}',
  '',
  '  async created(orderId: string, total: number) {',
  "    await this.amqp.publish('orders', 'order.created', { orderId, total });",
  '  }',
  '',
  '  async shipped(orderId: string, correlationId: string) {',
  "    await this.amqp.publish('orders', 'order.shipped', { orderId }, { correlationId, headers: { 'x-causation-id': orderId } });",
  '  }',
  '}',
);

runRuleTests('non-idempotent-consumer', {
  valid: [{ name: '@RabbitSubscribe handler upserting on the order id', files: { 'services/payments/src/listener.ts': UPSERT_SUBSCRIBER } }],
  invalid: [{
    name: '@RabbitSubscribe handler creating a payment per delivery',
    files: { 'services/payments/src/listener.ts': SUBSCRIBER },
    errors: [{ messageId: 'unguarded', ...at(SUBSCRIBER, 'RabbitSubscribe(') }],
  }],
});

runRuleTests('missing-correlation-id', {
  valid: [],
  invalid: [{
    name: 'AmqpConnection.publish without options; the one with correlationId is fine',
    files: { 'services/orders/src/events.ts': PUBLISHER },
    errors: [{ messageId: 'missing', ...at(PUBLISHER, 'publish(') }],
  }],
});

/** A decorator factory composing @RabbitSubscribe with Nest's applyDecorators, and a listener using it. */
const COMPOSED_DECORATOR = lines(
  "import { applyDecorators } from '@nestjs/common';",
  "import { RabbitSubscribe } from '@golevelup/nestjs-rabbitmq';",
  '',
  'export const CompetingConsumer = (config: { queueName: string; exchange: string }) =>',
  '  applyDecorators(RabbitSubscribe({ queue: config.queueName, exchange: config.exchange, routingKey: \'\' }));',
);

const composedListener = (write: string) => lines(
  "import { Injectable } from '@nestjs/common';",
  "import { PrismaClient } from '@prisma/client';",
  "import { CompetingConsumer } from './consumers';",
  '',
  '@Injectable()',
  'export class PaymentListener {',
  '  constructor(private readonly prisma: PrismaClient) {}',
  '',
  "  @CompetingConsumer({ queueName: 'payments.charge-order', exchange: 'orders' })",
  '  async chargeOrder(event: { orderId: string; total: number }) {',
  `    ${write}`,
  '  }',
  '}',
);

const COMPOSED_CREATE = composedListener('await this.prisma.payment.create({ data: { orderId: event.orderId, amount: event.total } });');

runRuleTests('non-idempotent-consumer', {
  valid: [{
    name: 'a composed @RabbitSubscribe handler upserting on the order id',
    files: {
      'services/payments/src/consumers.ts': COMPOSED_DECORATOR,
      'services/payments/src/listener.ts': composedListener('await this.prisma.payment.upsert({ where: { orderId: event.orderId }, create: { orderId: event.orderId, amount: event.total }, update: {} });'),
    },
  }],
  invalid: [{
    name: 'a handler decorated with a factory that composes @RabbitSubscribe through applyDecorators: reported at the use, on its queue',
    files: { 'services/payments/src/consumers.ts': COMPOSED_DECORATOR, 'services/payments/src/listener.ts': COMPOSED_CREATE },
    errors: [{ messageId: 'unguarded', file: 'services/payments/src/listener.ts', ...at(COMPOSED_CREATE, 'CompetingConsumer({'), messageIncludes: '"payments.charge-order"' }],
  }],
});

/**
 * A subscription made in code through a wrapper (`registerSubscriber(connection, event, handler)` →
 * `createSubscriber(async (p) => handler(p), { routingKey: event, queue: event })`): the queue is the
 * one its callers name, and the handler runs the function they pass.
 */
const SUBSCRIBER_HELPER = lines(
  "import type { AmqpConnection } from '@golevelup/nestjs-rabbitmq';",
  '',
  'export const registerSubscriber = async <T>(connection: AmqpConnection, exchange: string, event: string, handler: (payload: T) => Promise<void>) => {',
  '  await connection.createSubscriber<T>(async (payload) => {',
  '    await handler(payload);',
  "  }, { exchange, routingKey: event, queue: event }, 'subscriber');",
  '};',
);

const PROVISIONING = (write: string) => lines(
  "import { AmqpConnection } from '@golevelup/nestjs-rabbitmq';",
  "import { Injectable, OnModuleInit } from '@nestjs/common';",
  "import { PrismaClient } from '@prisma/client';",
  "import { registerSubscriber } from './subscriber.helper';",
  '',
  "export enum ProvisioningEvents { GROUP = 'group-provisioning' }",
  '',
  '@Injectable()',
  'export class GroupProvisioning implements OnModuleInit {',
  '  constructor(private readonly amqp: AmqpConnection, private readonly prisma: PrismaClient) {}',
  '',
  '  async onModuleInit() {',
  '    await registerSubscriber(this.amqp, process.env.EXCHANGE!, ProvisioningEvents.GROUP, (p: { groupId: string }) => this.provision(p));',
  '  }',
  '',
  '  async requestProvisioning(groupId: string) {',
  '    await this.amqp.publish(process.env.EXCHANGE!, ProvisioningEvents.GROUP, { groupId });',
  '  }',
  '',
  '  async provision(p: { groupId: string }) {',
  `    ${write}`,
  '  }',
  '}',
);

const PROVISION_CREATE = PROVISIONING('await this.prisma.membership.create({ data: { groupId: p.groupId } });');

runRuleTests('missing-correlation-id', {
  valid: [{
    name: 'a publish to the queue the service subscribes to in code through a wrapper: its own work queue',
    files: { 'services/server/src/subscriber.helper.ts': SUBSCRIBER_HELPER, 'services/server/src/provisioning.ts': PROVISION_CREATE },
  }],
  invalid: [],
});

runRuleTests('non-idempotent-consumer', {
  valid: [],
  invalid: [{
    name: 'createSubscriber through a wrapper: the handler runs the function the caller passes, whose insert repeats',
    files: { 'services/server/src/subscriber.helper.ts': SUBSCRIBER_HELPER, 'services/server/src/provisioning.ts': PROVISION_CREATE },
    errors: [{ messageId: 'unguarded', file: 'services/server/src/subscriber.helper.ts', ...at(SUBSCRIBER_HELPER, 'createSubscriber') }],
  }],
});
