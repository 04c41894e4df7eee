import { createPool } from '@checkout/db';
import { Kafka, Partitioners } from 'kafkajs';
import { handleOrderCreated } from './order-created.handler';

const kafka = new Kafka({
  clientId: 'payments',
  brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
});
const pool = createPool(process.env.PAYMENTS_DATABASE_URL, 'payments');
const consumer = kafka.consumer({ groupId: 'payments' });
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });

async function main(): Promise<void> {
  await Promise.all([consumer.connect(), producer.connect()]);
  await consumer.subscribe({ topics: ['order.created'], fromBeginning: false });

  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      console.log(`payments: ${topic}[${partition}] @${message.offset}`);
      await handleOrderCreated({ pool, producer }, message);
    },
  });
}

async function shutdown(): Promise<void> {
  await Promise.allSettled([consumer.disconnect(), producer.disconnect()]);
  await pool.end();
  process.exit(0);
}

process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());

main().catch((err) => {
  console.error('payments failed to start', err);
  process.exit(1);
});
