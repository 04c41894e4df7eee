import type { Pool, PoolClient } from 'pg';

type Db = Pool | PoolClient;

export async function decrementStock(db: Db, sku: string, quantity: number): Promise<void> {
  await db.query('UPDATE stock SET qty = qty - $1, updated_at = now() WHERE sku = $2', [quantity, sku]);
}

/** Compensation for a reservation (checkout-saga step reserve-stock). */
export async function releaseStock(db: Db, sku: string, quantity: number): Promise<void> {
  await db.query('UPDATE stock SET qty = qty + $1, updated_at = now() WHERE sku = $2', [quantity, sku]);
}

export async function setStockLevel(db: Db, sku: string, onHand: number): Promise<void> {
  await db.query(
    `INSERT INTO stock (sku, qty) VALUES ($1, $2)
     ON CONFLICT (sku) DO UPDATE SET qty = EXCLUDED.qty, updated_at = now()`,
    [sku, onHand],
  );
}
