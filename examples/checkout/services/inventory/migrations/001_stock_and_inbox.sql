CREATE TABLE stock (
  sku        text        PRIMARY KEY,
  qty        integer     NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Inbox: one row per consumed message id, written in the same transaction
-- as the work it guards.
CREATE TABLE inbox (
  message_id  text        PRIMARY KEY,
  source      text        NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);
