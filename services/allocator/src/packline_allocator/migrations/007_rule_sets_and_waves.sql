-- 할당 rules as versioned data and waves as records (issue 13). What the criteria weigh is kept
-- per order: its marketplace, what it paid (integer KRW) and since when it waits here (kept when
-- it moves to another bundle). Orders stored before take their marketplace from their uid
-- (seller:MARKETPLACE:id), their amount from their member in the stored BundleFormed, and wait
-- since their bundle arrived.
ALTER TABLE bundle_orders
    ADD COLUMN marketplace   text   NOT NULL DEFAULT '',
    ADD COLUMN amount_krw    bigint NOT NULL DEFAULT 0 CHECK (amount_krw >= 0),
    ADD COLUMN waiting_since timestamptz;
UPDATE bundle_orders o
SET marketplace = split_part(substr(o.order_uid, length(b.seller_id) + 2), ':', 1),
    waiting_since = b.received_at,
    amount_krw = coalesce((
        SELECT (m->>'amount_krw')::bigint
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(b.event->'members') = 'array'
                                       THEN b.event->'members' ELSE '[]'::jsonb END) AS m
        WHERE b.seller_id || ':' || (m->'order'->>'marketplace') || ':'
              || (m->'order'->>'marketplace_order_id') = o.order_uid
        LIMIT 1), 0)
FROM bundles b
WHERE b.bundle_id = o.bundle_id;
ALTER TABLE bundle_orders
    ALTER COLUMN waiting_since SET DEFAULT now(),
    ALTER COLUMN waiting_since SET NOT NULL;

-- Each saved change of a seller's rules is a new version (version 0, never stored: the default,
-- earliest paid first).
CREATE TABLE rule_sets (
    seller_id  text        NOT NULL,
    version    integer     NOT NULL CHECK (version >= 1),
    criteria   jsonb       NOT NULL,
    created_by text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    note       text        NOT NULL DEFAULT '',  -- the person's words
    changes    text[]      NOT NULL DEFAULT '{}',  -- what it changed against the version before
    PRIMARY KEY (seller_id, version)
);

-- Every wave: when, why it ran, the rule version it applied, and per bundle it looked at whether
-- it got stock, its place in the rule order and the stock it met (per SKU needed/available/short).
CREATE TABLE waves (
    wave_id      uuid        PRIMARY KEY,
    seller_id    text        NOT NULL,
    started_at   timestamptz NOT NULL,
    trigger      text        NOT NULL CHECK (trigger IN ('MANUAL', 'CONTINUOUS', 'SCHEDULED')),
    rule_version integer     NOT NULL CHECK (rule_version >= 0),
    allocated    integer     NOT NULL CHECK (allocated >= 0),
    waiting      integer     NOT NULL CHECK (waiting >= 0)
);
CREATE INDEX waves_seller ON waves (seller_id, started_at);

CREATE TABLE wave_decisions (
    wave_id   uuid    NOT NULL REFERENCES waves (wave_id),
    bundle_id uuid    NOT NULL,
    allocated boolean NOT NULL,
    position  integer NOT NULL CHECK (position >= 1),
    reason    jsonb   NOT NULL,  -- {"skus": [{"sku", "needed", "on_hand", "available", "short"}]}
    PRIMARY KEY (wave_id, bundle_id)
);
CREATE INDEX wave_decisions_bundle ON wave_decisions (bundle_id);
