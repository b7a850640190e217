-- 송장: number bands (one row per courier, claimed atomically), waybills, cancel tombstones.
CREATE TABLE number_bands (
    courier_code text        PRIMARY KEY,
    band_start   bigint      NOT NULL,           -- first 11-digit serial
    band_end     bigint      NOT NULL,           -- last serial, inclusive
    next_serial  bigint      NOT NULL,           -- band_end + 1 once exhausted
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (band_start <= band_end),
    CHECK (next_serial >= band_start)
);

CREATE TABLE waybills (
    bundle_id       uuid        PRIMARY KEY,     -- one package = one bundle: replays issue nothing
    seller_id       text        NOT NULL,
    courier_code    text        NOT NULL,
    tracking_number text        NOT NULL UNIQUE,
    status          text        NOT NULL DEFAULT 'ISSUED' CHECK (status IN ('ISSUED', 'VOIDED')),
    members         jsonb       NOT NULL,        -- [{"order": "COUPANG:123", "cancelled": false}]
    order_uids      text[]      NOT NULL,        -- the members' uids, indexed for cancels
    issued_at       timestamptz NOT NULL DEFAULT now(),
    voided_at       timestamptz,
    CHECK ((status = 'VOIDED') = (voided_at IS NOT NULL))
);
CREATE INDEX waybills_order_uids ON waybills USING gin (order_uids);
CREATE INDEX waybills_status_issued ON waybills (status, issued_at);
