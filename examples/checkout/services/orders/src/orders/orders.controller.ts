import { randomUUID } from 'node:crypto';
import { Body, Controller, Headers, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import type { OrderItem } from './order.entity';
import { OrdersService } from './orders.service';

export interface PlaceOrderDto {
  customerId: string;
  paymentMethodId: string;
  currency: string;
  items: OrderItem[];
}

@Controller('orders')
export class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  /** The edge of the system: start a correlation id unless the caller sent one. */
  @Post()
  place(@Body() dto: PlaceOrderDto, @Headers('x-correlation-id') correlationId?: string) {
    return this.orders.placeOrder(dto, correlationId ?? randomUUID());
  }

  @Post(':id/cancel')
  @HttpCode(202)
  cancel(@Param('id', ParseUUIDPipe) id: string) {
    return this.orders.cancelOrder(id);
  }
}
