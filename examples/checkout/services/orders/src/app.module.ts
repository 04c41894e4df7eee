import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { kafkaProducerProvider } from './kafka/kafka.provider';
import { OrderEventsPublisher } from './orders/order-events.publisher';
import { Order } from './orders/order.entity';
import { OrdersController } from './orders/orders.controller';
import { OrdersRepository } from './orders/orders.repository';
import { OrdersService } from './orders/orders.service';
import { OutboxRelay } from './outbox/outbox-relay';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.ORDERS_DATABASE_URL,
      entities: [Order],
      synchronize: false,
    }),
    TypeOrmModule.forFeature([Order]),
  ],
  controllers: [OrdersController],
  providers: [kafkaProducerProvider, OrdersRepository, OrderEventsPublisher, OrdersService, OutboxRelay],
})
export class AppModule {}
