-- 부분취소: units cancelled so far per line ({line_id: units}), next to line_quantities (what
-- was collected), and every partial claim with what became of it (applied or refused).
ALTER TABLE orders ADD COLUMN cancelled_quantities jsonb NOT NULL DEFAULT '{}'::jsonb;

CREATE TABLE line_cancellations (
    id                   bigserial   PRIMARY KEY,
    seller_id            text        NOT NULL,
    marketplace          text        NOT NULL,
    marketplace_order_id text        NOT NULL,
    source               text        NOT NULL,
    reason               text        NOT NULL DEFAULT '',
    lines                jsonb       NOT NULL,
    outcome              text        NOT NULL CHECK (outcome IN ('APPLIED', 'REFUSED')),
    detail               text        NOT NULL DEFAULT '',
    decided_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX line_cancellations_order
    ON line_cancellations (seller_id, marketplace, marketplace_order_id, id);
