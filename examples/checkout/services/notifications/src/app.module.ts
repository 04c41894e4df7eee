import { Module } from '@nestjs/common';
import { EmailQueue } from './email.queue';
import { EmailWorker } from './email.worker';
import { OrderEventsController } from './order-events.controller';

@Module({
  controllers: [OrderEventsController],
  providers: [EmailQueue, EmailWorker],
})
export class AppModule {}
