-- The seller's own SKUs (상품), what each matched order used (so a deleted mapping can send its
-- orders back), whether an order is allocated, and every human decision.
CREATE TABLE catalogue (
    seller_id  text        NOT NULL,
    sku        text        NOT NULL,
    name       text        NOT NULL,
    option     text        NOT NULL DEFAULT '',
    barcode    text        NOT NULL DEFAULT '',
    updated_by text        NOT NULL DEFAULT 'system',
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, sku)
);

ALTER TABLE mappings ADD COLUMN reason text NOT NULL DEFAULT '';

ALTER TABLE matched_orders
    ADD COLUMN marketplace      text,
    ADD COLUMN event            jsonb,   -- the OrderCollected, to queue it again if unmatched
    ADD COLUMN matched_event_id uuid,    -- the OrderMatched it produced
    ADD COLUMN listings         jsonb NOT NULL DEFAULT '[]',  -- [[listing, option]] via mappings
    ADD COLUMN allocated_at     timestamptz;
CREATE INDEX matched_orders_listings ON matched_orders USING gin (listings);

