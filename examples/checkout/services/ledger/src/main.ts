import { Kafka } from 'kafkajs';
import { balancesPool, journalPool } from './pools';
import { recordTransfer } from './transfer';

interface PaymentCompleted {
  orderId: string;
  amountCents: number;
  currency: string;
}

const kafka = new Kafka({
  clientId: 'ledger',
  brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
});
const consumer = kafka.consumer({ groupId: 'ledger' });

async function main(): Promise<void> {
  await consumer.connect();
  await consumer.subscribe({ topics: ['payment.completed'] });

  await consumer.run({
    eachMessage: async ({ message }) => {
      const messageId = message.headers?.['message-id']?.toString();
      if (!messageId || !message.value) return;
      const event = JSON.parse(message.value.toString()) as PaymentCompleted;
      await recordTransfer({
        messageId,
        orderId: event.orderId,
        amountCents: event.amountCents,
        currency: event.currency,
      });
    },
  });
}

process.once('SIGTERM', () => {
  void consumer
    .disconnect()
    .then(() => Promise.all([journalPool.end(), balancesPool.end()]))
    .then(() => process.exit(0));
});

main().catch((err) => {
  console.error('ledger failed to start', err);
  process.exit(1);
});
