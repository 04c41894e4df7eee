import { ConflictException, Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { Order } from './order.entity';

@Injectable()
export class OrdersRepository {
  constructor(@InjectRepository(Order) private readonly orders: Repository<Order>) {}

  async markCancelled(id: string): Promise<Order> {
    const order = await this.orders.findOneByOrFail({ id });
    if (order.status !== 'PENDING') {
      throw new ConflictException(`order ${id} is ${order.status}`);
    }
    order.status = 'CANCELLED';
    return this.orders.save(order);
  }
}
