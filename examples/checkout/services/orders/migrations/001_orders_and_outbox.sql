CREATE TABLE customers (
  id         uuid PRIMARY KEY,
  email      text NOT NULL UNIQUE,
  full_name  text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id          uuid PRIMARY KEY,
  customer_id uuid        NOT NULL REFERENCES customers (id),
  items       jsonb       NOT NULL,
  total_cents integer     NOT NULL CHECK (total_cents >= 0),
  currency    char(3)     NOT NULL,
  status      varchar(16) NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- Transactional outbox: written in the same transaction as the order row,
-- published to Kafka by OutboxRelay (src/outbox/outbox-relay.ts).
CREATE TABLE outbox (
  id             bigserial   PRIMARY KEY,
  message_id     uuid        NOT NULL UNIQUE,
  aggregate_id   uuid        NOT NULL,
  topic          text        NOT NULL,
  message_key    text        NOT NULL,
  payload        jsonb       NOT NULL,
  correlation_id text        NOT NULL,
  causation_id   text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  published_at   timestamptz
);

CREATE INDEX outbox_unpublished_idx ON outbox (id) WHERE published_at IS NULL;
