import { randomUUID } from 'node:crypto';
import type { KafkaMessage, Producer } from 'kafkajs';
import type { Pool } from 'pg';
import { chargeCard } from './psp-client';

interface OrderCreated {
  orderId: string;
  customerId: string;
  paymentMethodId: string;
  items: Array<{ sku: string; quantity: number }>;
  totalCents: number;
  currency: string;
}

export interface Deps {
  pool: Pool;
  producer: Producer;
}

export async function handleOrderCreated({ pool, producer }: Deps, message: KafkaMessage): Promise<void> {
  if (!message.value) return;
  const order = JSON.parse(message.value.toString()) as OrderCreated;
  const correlationId = message.headers?.['correlation-id']?.toString();

  const charge = await chargeCard(
    {
      orderId: order.orderId,
      paymentMethodId: order.paymentMethodId,
      amountCents: order.totalCents,
      currency: order.currency,
    },
    correlationId,
  );

  await pool.query(
    `INSERT INTO payments (id, order_id, psp_charge_id, amount_cents, currency, status)
     VALUES ($1, $2, $3, $4, $5, $6)`,
    [randomUUID(), order.orderId, charge.id, order.totalCents, order.currency, charge.status],
  );

  const succeeded = charge.status === 'succeeded';
  await producer.send({
    topic: succeeded ? 'payment.completed' : 'payment.failed',
    messages: [
      {
        key: order.orderId,
        value: JSON.stringify({
          orderId: order.orderId,
          customerId: order.customerId,
          chargeId: charge.id,
          items: order.items,
          amountCents: order.totalCents,
          currency: order.currency,
        }),
        headers: {
          'message-id': randomUUID(),
          'correlation-id': randomUUID(),
        },
      },
    ],
  });
}
