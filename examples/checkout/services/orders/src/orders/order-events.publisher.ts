import { Inject, Injectable } from '@nestjs/common';
import type { Producer } from 'kafkajs';
import { KAFKA_PRODUCER } from '../kafka/kafka.provider';
import type { Order } from './order.entity';

@Injectable()
export class OrderEventsPublisher {
  constructor(@Inject(KAFKA_PRODUCER) private readonly producer: Producer) {}

  async orderCancelled(order: Order): Promise<void> {
    await this.producer.send({
      topic: 'order.cancelled',
      messages: [
        {
          key: order.id,
          value: JSON.stringify({
            orderId: order.id,
            customerId: order.customerId,
            cancelledAt: new Date().toISOString(),
          }),
        },
      ],
    });
  }
}
