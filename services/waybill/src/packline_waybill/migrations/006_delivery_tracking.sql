-- Delivery tracking (issue 10): the waybill service learns from Shipped which parcels left, and
-- follows those whose courier account has API access through the courier's tracking API
-- (polling, and webhooks that only mark a number for an immediate poll).
CREATE TABLE parcel_tracking (
    parcel_id       uuid        PRIMARY KEY REFERENCES waybills (parcel_id),
    seller_id       text        NOT NULL,
    account_id      bigint      REFERENCES courier_accounts (account_id),
    courier_code    text        NOT NULL,
    tracking_number text        NOT NULL,
    shipped_at      timestamptz NOT NULL,           -- scanned out (출고), from Shipped
    followed        boolean     NOT NULL,           -- the account has API access: we poll
    state           text        NOT NULL DEFAULT 'SHIPPED' CHECK (state IN (
        'SHIPPED', 'UNKNOWN', 'INFORMATION_RECEIVED', 'AT_PICKUP', 'IN_TRANSIT',
        'OUT_FOR_DELIVERY', 'ATTEMPT_FAIL', 'AVAILABLE_FOR_PICKUP', 'DELIVERED', 'EXCEPTION')),
    state_at        timestamptz,                    -- the courier's time of the current state
    picked_up_at    timestamptz,                    -- 집하: the first scan at or past AT_PICKUP
    delivered_at    timestamptz,                    -- 배송완료
    next_poll_at    timestamptz,                    -- NULL: not polled (delivered, or no API)
    poll_failures   int         NOT NULL DEFAULT 0,
    last_polled_at  timestamptz,
    last_error      jsonb                           -- {"code", "message", "at"}
);
CREATE INDEX parcel_tracking_due ON parcel_tracking (next_poll_at) WHERE next_poll_at IS NOT NULL;
CREATE INDEX parcel_tracking_seller_state ON parcel_tracking (seller_id, state);
CREATE INDEX parcel_tracking_number ON parcel_tracking (account_id, tracking_number);
CREATE INDEX parcel_tracking_not_picked_up ON parcel_tracking (seller_id, shipped_at)
    WHERE followed AND picked_up_at IS NULL;

-- Every scan the courier reported, once (a poll that sees the history again adds nothing).
CREATE TABLE tracking_events (
    parcel_id   uuid        NOT NULL REFERENCES parcel_tracking (parcel_id),
    status      text        NOT NULL,
    occurred_at timestamptz NOT NULL,
    status_text text,
    location    text,
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (parcel_id, occurred_at, status)
);
