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
