CREATE TABLE payments (
  id            uuid        PRIMARY KEY,
  order_id      uuid        NOT NULL,
  psp_charge_id text        NOT NULL,
  amount_cents  integer     NOT NULL,
  currency      char(3)     NOT NULL,
  status        varchar(16) NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX payments_order_id_idx ON payments (order_id);
