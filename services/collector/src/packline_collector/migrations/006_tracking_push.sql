-- Tracking numbers pushed back to the marketplaces (Coupang invoice upload, Naver dispatch),
-- one row per marketplace order line; and what each call needs that the order row lacks.

-- Coupang's invoice upload names the box's orderId besides its shipmentBoxId.
CREATE TABLE order_marketplace_numbers (
    seller_id            text NOT NULL,
    marketplace          text NOT NULL,
    marketplace_order_id text NOT NULL,
    marketplace_order_no text NOT NULL,
    PRIMARY KEY (seller_id, marketplace, marketplace_order_id)
);

CREATE TABLE tracking_pushes (
    seller_id            text        NOT NULL,
    marketplace          text        NOT NULL,
    marketplace_order_id text        NOT NULL,
    line_id              text        NOT NULL,
    account_id           uuid,
    parcel_id            uuid        NOT NULL,
    courier_code         text        NOT NULL,
    tracking_number      text        NOT NULL,
    pre_shipment         boolean     NOT NULL DEFAULT false,  -- 가배송: pushed before the scan
    state                text        NOT NULL
                         CHECK (state IN ('PENDING', 'SENT', 'FAILED', 'NOT_APPLICABLE')),
    attempts             integer     NOT NULL DEFAULT 0,
    last_attempt_at      timestamptz,
    next_attempt_at      timestamptz NOT NULL DEFAULT now(),
    result_code          text        NOT NULL DEFAULT '',
    result_message       text        NOT NULL DEFAULT '',
    -- the marketplace said the order was cancelled there: a CS case, never retried in bulk
    cancelled_at_marketplace boolean NOT NULL DEFAULT false,
    sent_at              timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, marketplace, marketplace_order_id, line_id)
);
CREATE INDEX tracking_pushes_due ON tracking_pushes (next_attempt_at) WHERE state = 'PENDING';
CREATE INDEX tracking_pushes_seller ON tracking_pushes (seller_id, state, updated_at DESC);
