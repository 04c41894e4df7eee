import { createPool } from '@checkout/db';

/**
 * The journal and the balances live in two Postgres clusters (see the
 * ledger-transfer decision in architecture.yaml).
 */
export const journalPool = createPool(process.env.JOURNAL_DATABASE_URL, 'ledger-journal');
export const balancesPool = createPool(process.env.BALANCES_DATABASE_URL, 'ledger-balances');
