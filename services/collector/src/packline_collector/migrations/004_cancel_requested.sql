-- 취소 is requested here and decided at the shipping line (docs/adr/0003): an order reads
-- CANCEL_REQUESTED until the shipper answers CANCELLED or too late (then SHIPPED + a CS case).
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('COLLECTED', 'CANCEL_REQUESTED', 'CANCELLED', 'SHIPPED', 'DELETED'));
