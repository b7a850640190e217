-- 출고 마감 per seller: the time of day (Asia/Seoul) an order collected before it must ship
-- that day. A seller without a row keeps PACKLINE_SHIPPING_CUTOFF, the collector's default.
CREATE TABLE shipping_cutoffs (
    seller_id  text        PRIMARY KEY,
    cutoff     time        NOT NULL,
    updated_by text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- The overdue gauge now asks for each seller's oldest unshipped order (its own cut-off applies):
-- grouped by seller from this index instead of 018's, which only knew the oldest overall.
CREATE INDEX orders_unshipped_seller_collected_at ON orders (seller_id, collected_at)
    WHERE status = 'COLLECTED';
DROP INDEX orders_unshipped_collected_at;
