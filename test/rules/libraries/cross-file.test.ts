/**
 * Cross-file reasoning the library recognizers rely on: publish wrappers
 * (findings at their call sites), calls through interfaces and abstract
 * methods (NestJS DI, listener base classes), DTO-typed payloads, generated
 * Prisma clients, source folders named `build`, and test files left out.
 */
import { runRuleTests } from '../../support/ruleTester';
import { at, lines } from './helpers';

const KAFKA = lines(
  "import { Kafka } from 'kafkajs';",
  '',
  "export const kafka = new Kafka({ clientId: 'orders', brokers: [process.env.KAFKA_BROKER!] });",
  'export const producer = kafka.producer();',
);

const WRAPPER = lines(
  "import { producer } from './kafka';",
  '',
  'export async function publishEvent(topic: string, event: unknown) {',
  '  await producer.send({ topic, messages: [{ value: JSON.stringify(event) }] });',
  '}',
);

const CALLERS = lines(
  "import { publishEvent } from './events';",
  '',
  'export async function orderPlaced(orderId: string, correlationId: string) {',
  "  await publishEvent('orders.placed', { orderId, correlationId });",
  '}',
  '',
  'export async function orderShipped(orderId: string) {',
  "  await publishEvent('orders.shipped', { orderId, shippedAt: Date.now() });",
  '}',
);

const DTO = lines(
  'export class CreateChargeDto {',
  '  amount!: number;',
  '  card!: string;',
  '}',
  '',
  'export class CreateReservationDto {',
  '  startDate!: string;',
  '  charge!: CreateChargeDto;',
  '}',
);

const NEST_SEND = lines(
  "import { Inject, Injectable } from '@nestjs/common';",
  "import { ClientProxy } from '@nestjs/microservices';",
  "import { CreateReservationDto } from './dto';",
  '',
  '@Injectable()',
  'export class ReservationsService {',
  "  constructor(@Inject('PAYMENTS') private readonly payments: ClientProxy) {}",
  '',
  '  create(dto: CreateReservationDto, email: string) {',
  "    return this.payments.send('create_charge', { ...dto.charge, email });",
  '  }',
  '}',
);

const REPOSITORY = lines(
  'export interface Order { id?: string; total: number }',
  '',
  'export interface OrderRepository {',
  '  save(order: Order): Promise<Order>;',
  '}',
);

const PRISMA_REPOSITORY = lines(
  "import { PrismaClient } from '@prisma/client';",
  "import { Order, OrderRepository } from './order.repository';",
  '',
  'export class PrismaOrderRepository implements OrderRepository {',
  '  constructor(private readonly prisma: PrismaClient) {}',
  '  async save(order: Order) {',
  '    return this.prisma.order.create({ data: { total: order.total } });',
  '  }',
  '}',
);

const HANDLER_THROUGH_INTERFACE = lines(
  "import { Controller } from '@nestjs/common';",
  "import { EventPattern, Payload } from '@nestjs/microservices';",
  "import { OrderRepository } from './order.repository';",
  '',
  '@Controller()',
  'export class OrdersController {',
  '  constructor(private readonly orders: OrderRepository) {}',
  '',
  "  @EventPattern('cart.checked_out')",
  '  async onCheckout(@Payload() event: { total: number }) {',
  '    await this.orders.save({ total: event.total });',
  '  }',
  '}',
);

const BASE_CONSUMER = lines(
  "import { kafka } from './kafka';",
  '',
  'export abstract class BaseConsumer<T> {',
  '  protected abstract topic: string;',
  '  protected abstract handle(payload: T): Promise<void>;',
  '',
  '  async start() {',
  "    const consumer = kafka.consumer({ groupId: 'orders' });",
  '    await consumer.subscribe({ topic: this.topic });',
  '    await consumer.run({',
  '      eachMessage: async ({ message }) => {',
  '        await this.handle(JSON.parse(message.value!.toString()));',
  '      },',
  '    });',
  '  }',
  '}',
);

const SUBCLASS = lines(
  "import { PrismaClient } from '@prisma/client';",
  "import { BaseConsumer } from './base-consumer';",
  '',
  'const prisma = new PrismaClient();',
  '',
  'export class PaymentCapturedConsumer extends BaseConsumer<{ orderId: string }> {',
  "  protected topic = 'payments.captured';",
  '  protected async handle(payload: { orderId: string }) {',
  '    await prisma.receipt.create({ data: { orderId: payload.orderId } });',
  '  }',
  '}',
);

const GENERATED_CLIENT = lines(
  "import { PrismaClient } from '../prisma/generated-prisma-client';",
  "import { Worker } from 'bullmq';",
  '',
  'const prisma = new PrismaClient();',
  '',
  "export const worker = new Worker('builds', async (job) => {",
  '  await prisma.buildStep.create({ data: { message: job.data.message } });',
  "}, { connection: { host: process.env.REDIS_HOST } });",
);

const SPEC = lines(
  "import { Worker } from 'bullmq';",
  "import { PrismaClient } from '@prisma/client';",
  '',
  'const prisma = new PrismaClient();',
  '',
  "export const worker = new Worker('test', async (job) => {",
  '  await prisma.fixture.create({ data: { value: job.data.value } });',
  '});',
);

const SERIALIZING_PRODUCER = lines(
  "import { Injectable } from '@nestjs/common';",
  "import { ClientKafka } from '@nestjs/microservices';",
  '',
  'export interface KafkaEvent { key: unknown; value: unknown; headers?: Record<string, string> }',
  'interface Serializer { serialize(message: KafkaEvent): Promise<Buffer> }',
  '',
  '@Injectable()',
  'export class ProducerService {',
  '  constructor(private readonly client: ClientKafka, private readonly serializer: Serializer) {}',
  '  async emitMessage(topic: string, message: KafkaEvent) {',
  '    const encoded = await this.serializer.serialize(message);',
  '    this.client.emit(topic, encoded);',
  '  }',
  '}',
);

const SERIALIZING_CALLERS = lines(
  "import { ProducerService } from './producer.service';",
  '',
  'export class Builds {',
  '  constructor(private readonly producer: ProducerService) {}',
  '  async requested(buildId: string, requestId: string) {',
  "    await this.producer.emitMessage('build.requested', { key: null, value: { buildId } });",
  "    await this.producer.emitMessage('build.audited', { key: null, value: { buildId }, headers: { 'x-correlation-id': requestId } });",
  '  }',
  '}',
);

const RELAY = lines(
  "import { producer } from './kafka';",
  '',
  'export class KafkaPublisher {',
  '  async publish(topic: string, message: string) {',
  '    await producer.send({ topic, messages: [{ value: message, timestamp: Date.now().toString() }] });',
  '  }',
  '}',
  '',
  'export async function relay(publisher: KafkaPublisher, event: { topic: string; payload: { toValue(): string } }) {',
  '  await publisher.publish(event.topic, event.payload.toValue());',
  '}',
);

runRuleTests('missing-correlation-id', {
  valid: [
    { name: 'a wrapper whose only caller passes a body built elsewhere (an outbox payload) stays silent', files: { 'services/orders/src/kafka.ts': KAFKA, 'services/orders/src/relay.ts': RELAY } },
  ],
  invalid: [
    {
      name: 'a wrapper that serializes its message parameter: the caller building a message without headers is reported',
      files: { 'services/builds/src/producer.service.ts': SERIALIZING_PRODUCER, 'services/builds/src/builds.ts': SERIALIZING_CALLERS },
      errors: [{ messageId: 'missing', file: 'services/builds/src/builds.ts', ...at(SERIALIZING_CALLERS, 'emitMessage') }],
    },
    {
      name: 'a publish wrapper is reported where a caller builds a message without a correlation id, not inside the wrapper',
      files: { 'services/orders/src/kafka.ts': KAFKA, 'services/orders/src/events.ts': WRAPPER, 'services/orders/src/orders.ts': CALLERS },
      errors: [{ messageId: 'missing', file: 'services/orders/src/orders.ts', ...at(CALLERS, 'publishEvent', 3) }],
    },
    {
      name: 'a payload spread from a DTO-typed field is closed: its class lists no correlation field',
      files: { 'services/reservations/src/dto.ts': DTO, 'services/reservations/src/reservations.service.ts': NEST_SEND },
      errors: [{ messageId: 'missing', file: 'services/reservations/src/reservations.service.ts', ...at(NEST_SEND, 'send(') }],
    },
  ],
});

runRuleTests('non-idempotent-consumer', {
  valid: [
    { name: 'test files are not analysed', files: { 'services/orders/src/worker.spec.ts': SPEC, 'services/orders/src/__tests__/worker.ts': SPEC } },
  ],
  invalid: [
    {
      name: 'handler reaches the write through an injected interface and its implementation',
      files: {
        'services/orders/src/order.repository.ts': REPOSITORY,
        'services/orders/src/prisma-order.repository.ts': PRISMA_REPOSITORY,
        'services/orders/src/orders.controller.ts': HANDLER_THROUGH_INTERFACE,
      },
      errors: [{ messageId: 'unguarded', file: 'services/orders/src/orders.controller.ts', ...at(HANDLER_THROUGH_INTERFACE, 'EventPattern(') }],
    },
    {
      name: 'a base class registration runs the abstract handle() of its subclasses',
      files: { 'services/orders/src/kafka.ts': KAFKA, 'services/orders/src/base-consumer.ts': BASE_CONSUMER, 'services/orders/src/payment-captured.consumer.ts': SUBCLASS },
      errors: [{ messageId: 'unguarded', file: 'services/orders/src/base-consumer.ts', ...at(BASE_CONSUMER, 'eachMessage') }],
    },
    {
      name: 'a Prisma client generated into the workspace (not committed) is still Prisma, also under src/build/',
      files: { 'services/builds/src/build/worker.ts': GENERATED_CLIENT },
      errors: [{ messageId: 'unguarded', file: 'services/builds/src/build/worker.ts', ...at(GENERATED_CLIENT, 'Worker(') }],
    },
  ],
});
