import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import { EmailQueue, type EmailKind } from './email.queue';

interface OrderEvent {
  orderId: string;
  customerId: string;
}

@Controller()
export class OrderEventsController {
  constructor(private readonly emails: EmailQueue) {}

  @EventPattern('payment.completed')
  async onPaymentCompleted(@Payload() event: OrderEvent, @Ctx() context: KafkaContext): Promise<void> {
    await this.notify('order-receipt', event, context);
  }

  @EventPattern('payment.failed')
  async onPaymentFailed(@Payload() event: OrderEvent, @Ctx() context: KafkaContext): Promise<void> {
    await this.notify('payment-declined', event, context);
  }

  @EventPattern('order.cancelled')
  async onOrderCancelled(@Payload() event: OrderEvent, @Ctx() context: KafkaContext): Promise<void> {
    await this.notify('order-cancelled', event, context);
  }

  private async notify(kind: EmailKind, event: OrderEvent, context: KafkaContext): Promise<void> {
    const headers = context.getMessage().headers ?? {};
    await this.emails.enqueue({
      kind,
      orderId: event.orderId,
      customerId: event.customerId,
      correlationId: headers['correlation-id']?.toString(),
      causationId: headers['message-id']?.toString(),
    });
  }
}
