-- Every collected order once: (marketplace, marketplace_order_id) is the idempotency key.
CREATE TABLE orders (
    marketplace          text        NOT NULL,
    marketplace_order_id text        NOT NULL,
    seller_id            text        NOT NULL,
    recipient_key        text        NOT NULL,
    source               text        NOT NULL,
    batch_id             uuid,
    status               text        NOT NULL DEFAULT 'COLLECTED'
                         CHECK (status IN ('COLLECTED', 'CANCELLED', 'SHIPPED')),
    event_id             uuid        NOT NULL,
    paid_at              timestamptz NOT NULL,
    collected_at         timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (marketplace, marketplace_order_id)
);
CREATE INDEX orders_seller_collected ON orders (seller_id, collected_at);
CREATE INDEX orders_batch ON orders (batch_id) WHERE batch_id IS NOT NULL;
