-- The console's funnel (GET /flow) counts bundles and orders allocated since a moment: each
-- order remembers when its bundle's wave reserved stock for it (a cancellation later does not
-- undo that it passed). Orders allocated before this migration take their bundle's time unless
-- they were cancelled (an order cancelled while waiting and one cancelled after allocation
-- cannot be told apart any more; the second is rare and counts no more).
ALTER TABLE bundle_orders ADD COLUMN allocated_at timestamptz;
UPDATE bundle_orders o SET allocated_at = b.allocated_at
FROM bundles b
WHERE b.bundle_id = o.bundle_id AND b.allocated_at IS NOT NULL AND o.status <> 'CANCELLED';
CREATE INDEX bundle_orders_allocated ON bundle_orders (allocated_at) WHERE allocated_at IS NOT NULL;
CREATE INDEX bundles_allocated ON bundles (allocated_at) WHERE allocated_at IS NOT NULL;
CREATE INDEX bundles_waiting_since ON bundles (seller_id, received_at) WHERE status = 'WAITING';
