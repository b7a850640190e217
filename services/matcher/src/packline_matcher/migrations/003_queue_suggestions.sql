-- Suggestions for the unmatched queue are computed by a background job, never in a request:
-- per held order, for its unmapped lines. An order held again or a catalogue change asks for
-- them again (suggested_at NULL); asked_at tells a result computed before the ask from one after.
ALTER TABLE held_orders
    ADD COLUMN suggestions  jsonb,  -- {"line_id": [{"sku", "name", "option", "score"}, ...]}
    ADD COLUMN suggested_at timestamptz,
    ADD COLUMN asked_at     timestamptz NOT NULL DEFAULT clock_timestamp();
CREATE INDEX held_orders_to_suggest ON held_orders (held_at, order_uid) WHERE suggested_at IS NULL;
-- the queue is paged by (held_at, order_uid), for one seller or all
CREATE INDEX held_orders_page ON held_orders (held_at, order_uid);
CREATE INDEX held_orders_seller_page ON held_orders (seller_id, held_at, order_uid);
