-- The shipping cut-off gauge asks every 15 s for the oldest order still COLLECTED (not shipped,
-- cancelled or deleted): answered from this small index, not a scan of every order ever kept.
CREATE INDEX orders_unshipped_collected_at ON orders (collected_at) WHERE status = 'COLLECTED';
