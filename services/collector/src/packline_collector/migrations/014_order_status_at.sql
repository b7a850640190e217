-- When an order entered its current status (`updated_at` also moves on a replayed event, a
-- recipient change or a partial cancel): /flow counts orders SHIPPED since a moment and finds
-- the oldest undecided CANCEL_REQUESTED by it. Existing rows: collected_at while COLLECTED,
-- else their last change, the best the table knew.
ALTER TABLE orders ADD COLUMN status_at timestamptz;
UPDATE orders SET status_at = CASE WHEN status = 'COLLECTED' THEN collected_at ELSE updated_at END;
ALTER TABLE orders ALTER COLUMN status_at SET DEFAULT now(),
                   ALTER COLUMN status_at SET NOT NULL;
CREATE INDEX orders_seller_status_at ON orders (seller_id, status, status_at);
