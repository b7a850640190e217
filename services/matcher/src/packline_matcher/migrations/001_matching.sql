-- 매칭: (seller, marketplace, listing, option) -> the seller's SKU lines; unmatched orders wait.
CREATE TABLE mappings (
    seller_id   text        NOT NULL,
    marketplace text        NOT NULL,
    listing_id  text        NOT NULL,
    option_id   text        NOT NULL DEFAULT '',
    skus        jsonb       NOT NULL,  -- [{"sku": "...", "quantity": n}, ...]
    created_by  text        NOT NULL DEFAULT 'system',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, marketplace, listing_id, option_id)
);

CREATE TABLE held_orders (
    order_uid     text        PRIMARY KEY,
    seller_id     text        NOT NULL,
    event         jsonb       NOT NULL,   -- the OrderCollected that waits
    missing       jsonb       NOT NULL,   -- [[listing_id, option_id], ...] without a mapping
    held_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX held_orders_seller ON held_orders (seller_id, held_at);

CREATE TABLE matched_orders (
    order_uid  text        PRIMARY KEY,
    seller_id  text        NOT NULL,
    matched_at timestamptz NOT NULL DEFAULT now()
);
