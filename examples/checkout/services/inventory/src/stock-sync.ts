import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import Redlock, { ExecutionError } from 'redlock';
import type { Pool } from 'pg';
import { setStockLevel } from './stock-repository';

const redis = new Redis(process.env.LOCK_REDIS_URL ?? 'redis://localhost:6380');
const redlock = new Redlock([redis], { retryCount: 0 });

interface StockLevel {
  sku: string;
  onHand: number;
}

/** Overwrites stock levels with the warehouse's counts every 15 minutes. */
export function scheduleStockSync(pool: Pool): NodeJS.Timeout {
  return setInterval(() => {
    syncStockLevels(pool).catch((err) => console.error('stock sync failed', err));
  }, 15 * 60_000);
}

export async function syncStockLevels(pool: Pool): Promise<void> {
  let lock;
  try {
    // only one replica applies the warehouse snapshot at a time
    lock = await redlock.acquire(['lock:inventory:stock-sync'], 60_000);
  } catch (err) {
    if (err instanceof ExecutionError) return; // another replica is syncing
    throw err;
  }

  try {
    const res = await fetch(`${process.env.WAREHOUSE_URL}/v1/stock-levels`, {
      headers: { 'x-correlation-id': randomUUID() },
      signal: AbortSignal.timeout(10_000),
    });
    if (!res.ok) throw new Error(`warehouse answered ${res.status}`);
    for (const level of (await res.json()) as StockLevel[]) {
      await setStockLevel(pool, level.sku, level.onHand);
    }
  } finally {
    await lock.release();
  }
}
