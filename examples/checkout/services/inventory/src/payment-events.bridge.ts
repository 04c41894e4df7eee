import type { ChannelModel, ConfirmChannel } from 'amqplib';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Pool } from 'pg';
import { RESERVE_STOCK_QUEUE, RESERVE_STOCK_QUEUE_OPTIONS, type ReserveStock } from './reserve-stock.consumer';

interface PaymentCompleted {
  orderId: string;
  items: ReserveStock['items'];
}

/**
 * Turns Kafka's payment.completed into a reserve-stock command on inventory's
 * RabbitMQ queue. Kafka redelivers after rebalances, so each message id goes
 * through the inbox first; the command is confirmed by the broker before the
 * inbox row commits, so a crash can only repeat it (with the same messageId).
 */
export async function startPaymentEventsBridge(kafka: Kafka, connection: ChannelModel, pool: Pool): Promise<void> {
  const channel = await connection.createConfirmChannel();
  await channel.assertQueue(RESERVE_STOCK_QUEUE, RESERVE_STOCK_QUEUE_OPTIONS);

  const consumer = kafka.consumer({ groupId: 'inventory-bridge' });
  await consumer.connect();
  await consumer.subscribe({ topics: ['payment.completed'] });

  await consumer.run({
    eachMessage: async ({ message }) => {
      await forward(pool, channel, message);
    },
  });
}

async function forward(pool: Pool, channel: ConfirmChannel, message: KafkaMessage): Promise<void> {
  const messageId = message.headers?.['message-id']?.toString();
  if (!messageId || !message.value) {
    console.warn(`inventory-bridge: skipping offset ${message.offset} without message-id`);
    return;
  }

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const inbox = await client.query(
      'INSERT INTO inbox (message_id, source) VALUES ($1, $2) ON CONFLICT (message_id) DO NOTHING',
      [messageId, 'kafka:payment.completed'],
    );
    if (inbox.rowCount === 0) {
      await client.query('ROLLBACK');
      return; // already forwarded
    }

    const event = JSON.parse(message.value.toString()) as PaymentCompleted;
    const command: ReserveStock = { orderId: event.orderId, items: event.items };
    channel.sendToQueue(RESERVE_STOCK_QUEUE, Buffer.from(JSON.stringify(command)), {
      persistent: true,
      contentType: 'application/json',
      messageId: `${messageId}:reserve-stock`,
      correlationId: message.headers?.['correlation-id']?.toString(),
      headers: { 'causation-id': messageId },
    });
    await channel.waitForConfirms();

    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}
