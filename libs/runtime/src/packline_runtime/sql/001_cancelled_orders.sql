-- Cancellation tombstones (취소): every stage hears OrderCancelled on its own, possibly before the
-- order itself reaches it, so each keeps the cancelled order uids it has heard of.
CREATE TABLE cancelled_orders (
    order_uid    text        PRIMARY KEY,
    cancelled_at timestamptz NOT NULL DEFAULT now()
);
