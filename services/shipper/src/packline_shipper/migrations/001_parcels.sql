-- 배송: one parcel per issued waybill, shipped by a scan exactly once; cancel tombstones.
CREATE TABLE parcels (
    tracking_number  text        PRIMARY KEY,
    bundle_id        uuid        NOT NULL UNIQUE,
    courier_code     text        NOT NULL,
    seller_id        text        NOT NULL,
    correlation_id   uuid        NOT NULL,
    causation_id     uuid        NOT NULL,    -- the WaybillIssued event; causes the Shipped
    members          jsonb       NOT NULL,    -- [{"order", "line_ids", "matched_lines", "cancelled"}]
    order_uids       text[]      NOT NULL,    -- the members' uids, indexed for cancels
    status           text        NOT NULL DEFAULT 'READY'
                     CHECK (status IN ('READY', 'SHIPPED', 'STOPPED')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    shipped_at       timestamptz,
    shipped_by       text,
    CHECK ((status = 'SHIPPED') = (shipped_at IS NOT NULL))
);
CREATE INDEX parcels_order_uids ON parcels USING gin (order_uids);
CREATE INDEX parcels_status_created ON parcels (status, created_at);
