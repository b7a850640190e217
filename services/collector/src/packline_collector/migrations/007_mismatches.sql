-- 상태 불일치: a line we shipped or pushed that its marketplace, read again, disagrees with.
-- One row per line and kind while open; a later check that agrees resolves it (resolved_at).
CREATE TABLE mismatches (
    seller_id             text        NOT NULL,
    marketplace           text        NOT NULL,
    marketplace_order_id  text        NOT NULL,
    line_id               text        NOT NULL,
    kind                  text        NOT NULL
                          CHECK (kind IN ('SHIPPED_NOT_AT_MARKETPLACE',
                                          'CANCELLED_AFTER_SHIPPING', 'NUMBER_DIFFERS')),
    account_id            uuid,
    our_tracking_number   text        NOT NULL,
    marketplace_status    text        NOT NULL DEFAULT '',
    marketplace_tracking_number text  NOT NULL DEFAULT '',
    detected_at           timestamptz NOT NULL DEFAULT now(),
    last_checked_at       timestamptz NOT NULL DEFAULT now(),
    resolved_at           timestamptz,
    PRIMARY KEY (seller_id, marketplace, marketplace_order_id, line_id, kind)
);
CREATE INDEX mismatches_open ON mismatches (seller_id, detected_at DESC) WHERE resolved_at IS NULL;
