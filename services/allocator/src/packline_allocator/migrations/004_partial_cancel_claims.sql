-- 부분취소 decided at the shipping line (docs/adr/0003): each partial cancellation by the
-- OrderCancelled's event id (its CancellationDecided's causation_id), with its units and whether
-- they came off the order here, so heard-then-answered, answered-then-heard and replays apply it
-- once. cancelled_units keeps the sum of the APPLIED ones per order line.
CREATE TABLE partial_cancel_claims (
    cancel_id  uuid        PRIMARY KEY,
    order_uid  text        NOT NULL,
    units      jsonb       NOT NULL,  -- {"line_id": units}
    state      text        NOT NULL CHECK (state IN ('HELD', 'APPLIED', 'TOO_LATE')),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX partial_cancel_claims_order ON partial_cancel_claims (order_uid);
