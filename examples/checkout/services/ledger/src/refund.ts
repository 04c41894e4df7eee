import { balancesPool, journalPool } from './pools';

/**
 * Support tool: reverses a booked transfer after a manual refund.
 *
 *   npm run reverse-transfer -- <orderId>
 */
export async function reverseTransfer(orderId: string): Promise<void> {
  const gid = `ledger-reversal-${orderId}`;
  const journal = await journalPool.connect();
  const balances = await balancesPool.connect();
  try {
    await journal.query('BEGIN');
    await balances.query('BEGIN');

    const { rows } = await journal.query<{ amount_cents: number; currency: string }>(
      `SELECT amount_cents, currency FROM journal_entries
        WHERE transfer_id = $1 AND account = 'revenue' AND direction = 'credit'`,
      [orderId],
    );
    if (rows.length === 0) throw new Error(`no transfer booked for order ${orderId}`);
    const { amount_cents: amountCents, currency } = rows[0];

    await journal.query(
      `INSERT INTO journal_entries (transfer_id, account, direction, amount_cents, currency)
       VALUES ($1, 'revenue', 'debit', $2, $3), ($1, 'cash', 'credit', $2, $3)`,
      [`${orderId}:reversal`, amountCents, currency],
    );
    await balances.query(
      `UPDATE account_balances SET balance_cents = balance_cents - $1
        WHERE account = 'revenue' AND currency = $2`,
      [amountCents, currency],
    );

    await journal.query(`PREPARE TRANSACTION '${gid}-journal'`);
    await balances.query(`PREPARE TRANSACTION '${gid}-balances'`);
    await journal.query(`COMMIT PREPARED '${gid}-journal'`);
    await balances.query(`COMMIT PREPARED '${gid}-balances'`);
  } catch (err) {
    await Promise.allSettled([journal.query('ROLLBACK'), balances.query('ROLLBACK')]);
    throw err;
  } finally {
    journal.release();
    balances.release();
  }
}

if (require.main === module) {
  const [orderId] = process.argv.slice(2);
  reverseTransfer(orderId)
    .then(() => console.log(`reversed transfer for order ${orderId}`))
    .catch((err) => {
      console.error(err);
      process.exitCode = 1;
    })
    .finally(() => Promise.all([journalPool.end(), balancesPool.end()]));
}
