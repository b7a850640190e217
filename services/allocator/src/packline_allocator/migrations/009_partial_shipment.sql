-- 미할당주문나누기 (issue 13): a seller may let a short bundle ship the orders that fit; the rest
-- wait in a new bundle (a backorder) that remembers the bundle it was split from. Off unless the
-- seller turns it on, per marketplace where it says so ({"COUPANG": false, ...}).
CREATE TABLE partial_shipment (
    seller_id    text        PRIMARY KEY,
    allowed      boolean     NOT NULL DEFAULT false,
    marketplaces jsonb       NOT NULL DEFAULT '{}',
    updated_by   text        NOT NULL DEFAULT '',
    updated_at   timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE bundles ADD COLUMN split_from uuid REFERENCES bundles (bundle_id);
-- a partial shipment takes a bundle's orders in paid order
ALTER TABLE bundle_orders ADD COLUMN paid_at timestamptz;
UPDATE bundle_orders o
SET paid_at = coalesce((
        SELECT (m->>'paid_at')::timestamptz
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(b.event->'members') = 'array'
                                       THEN b.event->'members' ELSE '[]'::jsonb END) AS m
        WHERE b.seller_id || ':' || (m->'order'->>'marketplace') || ':'
              || (m->'order'->>'marketplace_order_id') = o.order_uid
        LIMIT 1), b.paid_at)
FROM bundles b
WHERE b.bundle_id = o.bundle_id;
