import { balancesPool, journalPool } from './pools';

export interface TransferCommand {
  messageId: string;
  orderId: string;
  amountCents: number;
  currency: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Books a captured payment: two journal lines in the journal cluster and the
 * revenue balance in the balances cluster, atomically, with two-phase commit.
 * The inbox row is part of the journal branch, so a redelivered message is a
 * no-op. Returns false when the message was already booked.
 *
 * Once the first COMMIT PREPARED has run the outcome is "commit": a failure
 * after that leaves the other branch in pg_prepared_xacts for the recovery
 * runbook to commit, and must not be rolled back.
 */
export async function recordTransfer(cmd: TransferCommand): Promise<boolean> {
  if (!UUID.test(cmd.messageId)) throw new Error(`not a uuid: ${cmd.messageId}`);
  const gid = `ledger-transfer-${cmd.messageId}`;
  const journal = await journalPool.connect();
  const balances = await balancesPool.connect();
  let journalPrepared = false;
  let committing = false;
  try {
    await journal.query('BEGIN');
    await balances.query('BEGIN');

    const inbox = await journal.query(
      'INSERT INTO inbox (message_id) VALUES ($1) ON CONFLICT (message_id) DO NOTHING',
      [cmd.messageId],
    );
    if (inbox.rowCount === 0) {
      await Promise.all([journal.query('ROLLBACK'), balances.query('ROLLBACK')]);
      return false;
    }

    await journal.query(
      `INSERT INTO journal_entries (transfer_id, account, direction, amount_cents, currency)
       VALUES ($1, 'cash', 'debit', $2, $3), ($1, 'revenue', 'credit', $2, $3)`,
      [cmd.orderId, cmd.amountCents, cmd.currency],
    );
    await balances.query(
      `INSERT INTO account_balances (account, currency, balance_cents) VALUES ('revenue', $1, $2)
       ON CONFLICT (account, currency) DO UPDATE SET balance_cents = account_balances.balance_cents + $2`,
      [cmd.currency, cmd.amountCents],
    );

    await journal.query(`PREPARE TRANSACTION '${gid}-journal'`);
    journalPrepared = true;
    await balances.query(`PREPARE TRANSACTION '${gid}-balances'`);

    committing = true;
    await journal.query(`COMMIT PREPARED '${gid}-journal'`);
    await balances.query(`COMMIT PREPARED '${gid}-balances'`);
    return true;
  } catch (err) {
    if (!committing) {
      // nothing is committed yet: undo both branches
      await Promise.allSettled([
        journal.query(journalPrepared ? `ROLLBACK PREPARED '${gid}-journal'` : 'ROLLBACK'),
        balances.query('ROLLBACK'),
      ]);
    }
    throw err;
  } finally {
    journal.release();
    balances.release();
  }
}
