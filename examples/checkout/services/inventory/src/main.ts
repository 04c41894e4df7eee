import { createPool } from '@checkout/db';
import amqp from 'amqplib';
import { Kafka } from 'kafkajs';
import { startPaymentEventsBridge } from './payment-events.bridge';
import { startReserveStockConsumer } from './reserve-stock.consumer';
import { scheduleStockSync } from './stock-sync';

async function main(): Promise<void> {
  const pool = createPool(process.env.INVENTORY_DATABASE_URL, 'inventory');
  const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://localhost');
  const kafka = new Kafka({
    clientId: 'inventory',
    brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
  });

  await startReserveStockConsumer(connection, pool);
  await startPaymentEventsBridge(kafka, connection, pool);
  const sync = scheduleStockSync(pool);

  const shutdown = async () => {
    clearInterval(sync);
    await connection.close();
    await pool.end();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());
}

main().catch((err) => {
  console.error('inventory failed to start', err);
  process.exit(1);
});
