-- ledger-journal-db (needs max_prepared_transactions > 0)
CREATE TABLE journal_entries (
  id           bigserial   PRIMARY KEY,
  transfer_id  text        NOT NULL,
  account      text        NOT NULL,
  direction    varchar(6)  NOT NULL CHECK (direction IN ('debit', 'credit')),
  amount_cents integer     NOT NULL CHECK (amount_cents > 0),
  currency     char(3)     NOT NULL,
  booked_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX journal_entries_transfer_idx ON journal_entries (transfer_id);

CREATE TABLE inbox (
  message_id  text        PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now()
);
