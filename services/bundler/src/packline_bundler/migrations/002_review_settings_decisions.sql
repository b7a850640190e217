-- 확인필요 (review) pairs and their remembered decisions, never-bundle exclusions, per-seller
-- sealing settings, revisions of sealed bundles, allocation marks, and every human decision.
ALTER TABLE bundles DROP CONSTRAINT bundles_status_check;
ALTER TABLE bundles ADD CONSTRAINT bundles_status_check
    CHECK (status IN ('OPEN', 'SEALED', 'ALLOCATED', 'CANCELLED'));
ALTER TABLE bundles ALTER COLUMN seal_after DROP NOT NULL;  -- NULL: only the 합포처리 button seals
ALTER TABLE bundles
    ADD COLUMN revision          integer NOT NULL DEFAULT 1,
    ADD COLUMN separate_invoices boolean NOT NULL DEFAULT false,
    ADD COLUMN paid_at           timestamptz;

ALTER TABLE bundle_members
    ADD COLUMN matched_event_id uuid,         -- the OrderMatched that put it here
    ADD COLUMN withdrawn_at     timestamptz,  -- unmatched out of a sealed bundle
    ADD COLUMN recipient_bundle_key text,     -- exact recipient of this member
    ADD COLUMN name_h    text NOT NULL DEFAULT '',
    ADD COLUMN address_h text NOT NULL DEFAULT '',
    ADD COLUMN phone_h   text NOT NULL DEFAULT '',
    ADD COLUMN mobile_h  text NOT NULL DEFAULT '';
CREATE INDEX bundle_members_name ON bundle_members (name_h);
CREATE INDEX bundle_members_address ON bundle_members (address_h);
CREATE INDEX bundle_members_phone ON bundle_members (phone_h) WHERE phone_h <> '';
CREATE INDEX bundle_members_mobile ON bundle_members (mobile_h) WHERE mobile_h <> '';

CREATE TABLE revoked_matches (
    matched_event_id uuid        PRIMARY KEY,
    order_uid        text        NOT NULL,
    revoked_at       timestamptz NOT NULL DEFAULT now()
);

-- recipients a person merged share a group; a group has at most one OPEN bundle
CREATE TABLE merge_groups (
    seller_id  text NOT NULL,
    bundle_key text NOT NULL,
    group_key  text NOT NULL,
    PRIMARY KEY (seller_id, bundle_key)
);

CREATE TABLE pair_decisions (
    seller_id  text        NOT NULL,
    key_a      text        NOT NULL,
    key_b      text        NOT NULL,
    decision   text        NOT NULL CHECK (decision IN ('MERGE', 'KEEP_APART')),
    decided_by text        NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    decided_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, key_a, key_b),
    CHECK (key_a < key_b)
);

CREATE TABLE reviews (
    review_id  bigserial   PRIMARY KEY,
    seller_id  text        NOT NULL,
    key_a      text        NOT NULL,
    key_b      text        NOT NULL,
    bundle_a   uuid        NOT NULL,
    bundle_b   uuid        NOT NULL,
    order_a    text        NOT NULL,
    order_b    text        NOT NULL,
    fields     jsonb       NOT NULL,  -- which fields agree or differ, and why (no values)
    status     text        NOT NULL DEFAULT 'PENDING'
               CHECK (status IN ('PENDING', 'MERGED', 'KEPT_APART', 'OBSOLETE')),
    created_at timestamptz NOT NULL DEFAULT now(),
    decided_at timestamptz,
    CHECK (key_a < key_b)
);
CREATE UNIQUE INDEX reviews_one_pending_per_pair ON reviews (seller_id, key_a, key_b)
    WHERE status = 'PENDING';
CREATE INDEX reviews_pending_bundles ON reviews (bundle_a, bundle_b) WHERE status = 'PENDING';

CREATE TABLE exclusions (
    seller_id  text        NOT NULL,
    kind       text        NOT NULL CHECK (kind IN ('SKU', 'MARKETPLACE')),
    value      text        NOT NULL,
    created_by text        NOT NULL,
    reason     text        NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, kind, value)
);

CREATE TABLE seller_settings (
    seller_id    text        PRIMARY KEY,
    seal_mode    text        NOT NULL CHECK (seal_mode IN ('HOLD', 'CUTOFF', 'MANUAL')),
    hold_seconds integer     CHECK (hold_seconds IS NULL OR hold_seconds >= 0),
    cutoffs      text[]      NOT NULL DEFAULT '{}',  -- 'HH:MM', Asia/Seoul
    updated_by   text        NOT NULL,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

