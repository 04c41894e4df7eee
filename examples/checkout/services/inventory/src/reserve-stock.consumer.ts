import type { ChannelModel, ConsumeMessage, Options } from 'amqplib';
import type { Pool } from 'pg';
import { decrementStock } from './stock-repository';

export const RESERVE_STOCK_QUEUE = 'inventory.reserve-stock';
export const RESERVE_STOCK_QUEUE_OPTIONS: Options.AssertQueue = {
  durable: true,
  deadLetterExchange: 'inventory.dlx',
};

export interface ReserveStock {
  orderId: string;
  items: Array<{ sku: string; quantity: number }>;
}

export async function reserveStock(pool: Pool, command: ReserveStock): Promise<void> {
  for (const item of command.items) {
    await decrementStock(pool, item.sku, item.quantity);
  }
}

export async function startReserveStockConsumer(connection: ChannelModel, pool: Pool): Promise<void> {
  const channel = await connection.createChannel();
  await channel.assertQueue(RESERVE_STOCK_QUEUE, RESERVE_STOCK_QUEUE_OPTIONS);
  await channel.prefetch(10);

  await channel.consume(RESERVE_STOCK_QUEUE, async (msg: ConsumeMessage | null) => {
    if (!msg) return;
    try {
      await reserveStock(pool, JSON.parse(msg.content.toString()) as ReserveStock);
      channel.ack(msg);
    } catch (err) {
      console.error('reserve-stock failed, requeueing', err);
      channel.nack(msg, false, true);
    }
  });
}
