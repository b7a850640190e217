-- Marketplace accounts (판매처 계정) with their keys, collection jobs (주문수집 이력), orders
-- that need a person, and what re-collection compares against.
ALTER TABLE orders
    ADD COLUMN account_id      uuid,
    ADD COLUMN recipient_hash  text        NOT NULL DEFAULT '',
    ADD COLUMN line_quantities jsonb       NOT NULL DEFAULT '{}'::jsonb,
    ADD COLUMN matched_at      timestamptz;
ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('COLLECTED', 'CANCELLED', 'SHIPPED', 'DELETED'));

CREATE TABLE marketplace_accounts (
    account_id        uuid        PRIMARY KEY,
    seller_id         text        NOT NULL,
    marketplace       text        NOT NULL CHECK (marketplace IN ('COUPANG', 'NAVER')),
    name              text        NOT NULL,
    login_id          text        NOT NULL,  -- Coupang vendorId, Naver client_id
    access_key        text        NOT NULL DEFAULT '',  -- Coupang only
    secret            text        NOT NULL,  -- Coupang secretKey, Naver client_secret
    base_url          text        NOT NULL,
    interval_minutes  int         NOT NULL DEFAULT 10 CHECK (interval_minutes BETWEEN 1 AND 1440),
    enabled           boolean     NOT NULL DEFAULT true,
    next_collect_at   timestamptz NOT NULL DEFAULT now(),
    -- a lease, not a session lock: one replica collects an account at a time, and a replica
    -- that dies mid-collection loses the account when the lease runs out
    lease_owner       text,
    lease_until       timestamptz,
    last_collected_at timestamptz,
    last_error        text        NOT NULL DEFAULT '',
    last_error_at     timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (seller_id, marketplace, login_id)
);
CREATE INDEX marketplace_accounts_due ON marketplace_accounts (next_collect_at) WHERE enabled;

CREATE TABLE collection_jobs (
    job_id            uuid        PRIMARY KEY,
    seller_id         text        NOT NULL,
    kind              text        NOT NULL CHECK (kind IN ('AUTO', 'MANUAL')),
    marketplaces      text[]      NOT NULL,
    period_from       timestamptz NOT NULL,
    period_to         timestamptz NOT NULL,
    status            text        NOT NULL DEFAULT 'RUNNING'
                      CHECK (status IN ('RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED')),
    accounts_total    int         NOT NULL DEFAULT 0,
    accounts_done     int         NOT NULL DEFAULT 0,
    fetched           int         NOT NULL DEFAULT 0,
    created           int         NOT NULL DEFAULT 0,
    unchanged         int         NOT NULL DEFAULT 0,
    cancelled         int         NOT NULL DEFAULT 0,
    recipient_changed int         NOT NULL DEFAULT 0,
    acknowledged      int         NOT NULL DEFAULT 0,
    needs_attention   int         NOT NULL DEFAULT 0,
    problems          jsonb       NOT NULL DEFAULT '[]'::jsonb,
    started_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz
);
CREATE INDEX collection_jobs_seller ON collection_jobs (seller_id, started_at DESC);

-- What re-collection found that no stage can apply by itself yet (a changed address after
-- collection, a partial cancellation, a cancellation after shipping): a person decides.
CREATE TABLE order_attention (
    marketplace          text        NOT NULL,
    marketplace_order_id text        NOT NULL,
    seller_id            text        NOT NULL,
    kind                 text        NOT NULL,
    detail               text        NOT NULL,
    detected_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (marketplace, marketplace_order_id, kind, detail)
);
CREATE INDEX order_attention_seller ON order_attention (seller_id, detected_at DESC);
