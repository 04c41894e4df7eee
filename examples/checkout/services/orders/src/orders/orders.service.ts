import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderEventsPublisher } from './order-events.publisher';
import { Order } from './order.entity';
import type { PlaceOrderDto } from './orders.controller';
import { OrdersRepository } from './orders.repository';

@Injectable()
export class OrdersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly orders: OrdersRepository,
    private readonly events: OrderEventsPublisher,
  ) {}

  /**
   * The order row and its OrderCreated event commit in one transaction;
   * OutboxRelay publishes the event afterwards.
   */
  async placeOrder(dto: PlaceOrderDto, correlationId: string): Promise<Order> {
    const order = this.dataSource.getRepository(Order).create({
      id: randomUUID(),
      customerId: dto.customerId,
      items: dto.items,
      totalCents: dto.items.reduce((sum, i) => sum + i.quantity * i.unitPriceCents, 0),
      currency: dto.currency,
      status: 'PENDING',
    });
    const event = {
      orderId: order.id,
      customerId: order.customerId,
      paymentMethodId: dto.paymentMethodId,
      items: order.items,
      totalCents: order.totalCents,
      currency: order.currency,
    };

    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.manager.save(order);
      await runner.query(
        `INSERT INTO outbox (message_id, aggregate_id, topic, message_key, payload, correlation_id)
         VALUES ($1, $2, $3, $4, $5, $6)`,
        [randomUUID(), order.id, 'order.created', order.id, JSON.stringify(event), correlationId],
      );
      await runner.commitTransaction();
    } catch (err) {
      await runner.rollbackTransaction();
      throw err;
    } finally {
      await runner.release();
    }
    return order;
  }

  async cancelOrder(id: string): Promise<Order> {
    const order = await this.orders.markCancelled(id);
    await this.events.orderCancelled(order);
    return order;
  }
}
