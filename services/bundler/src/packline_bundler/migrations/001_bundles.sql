-- 합포 (combined packing): one OPEN bundle per recipient, every order in at most one bundle.
CREATE TABLE bundles (
    bundle_id     uuid        PRIMARY KEY,
    seller_id     text        NOT NULL,
    bundle_key    text        NOT NULL,
    recipient_key text        NOT NULL,
    status        text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'SEALED', 'CANCELLED')),
    opened_at     timestamptz NOT NULL DEFAULT now(),
    seal_after    timestamptz NOT NULL,
    sealed_at     timestamptz
);
CREATE UNIQUE INDEX bundles_one_open_per_recipient ON bundles (seller_id, bundle_key)
    WHERE status = 'OPEN';
CREATE INDEX bundles_due ON bundles (seal_after) WHERE status = 'OPEN';

CREATE TABLE bundle_members (
    order_uid  text        PRIMARY KEY,  -- an order sits in one bundle, never two
    bundle_id  uuid        NOT NULL REFERENCES bundles (bundle_id),
    event      jsonb       NOT NULL,     -- the OrderMatched it came from
    paid_at    timestamptz NOT NULL,
    cancelled  boolean     NOT NULL DEFAULT false,
    joined_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX bundle_members_bundle ON bundle_members (bundle_id);
