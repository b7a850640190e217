-- 배송지 변경 after a waybill was issued: the waybill keeps the WaybillIssued it last sent (to
-- send it again with a new number and recipient), numbers it replaced, and the latest change
-- per order (applied to a waybill issued later).
ALTER TABLE waybills ADD COLUMN issued jsonb;

CREATE TABLE replaced_numbers (
    tracking_number text        PRIMARY KEY,
    bundle_id       uuid        NOT NULL,
    replaced_by     text        NOT NULL,
    reason          text        NOT NULL,
    replaced_at     timestamptz NOT NULL DEFAULT now()
);
