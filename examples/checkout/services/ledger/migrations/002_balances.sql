-- ledger-balances-db (needs max_prepared_transactions > 0)
CREATE TABLE account_balances (
  account       text    NOT NULL,
  currency      char(3) NOT NULL,
  balance_cents bigint  NOT NULL DEFAULT 0,
  PRIMARY KEY (account, currency)
);
