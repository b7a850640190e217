-- 부분취소 decided at the shipping line (CancellationDecided v2, CANCELLED): the units of each
-- decided claim, by its OrderCancelled's id (a replay counts nothing twice; a claim decided
-- before its parcel exists still reaches it), and per parcel the units taken off its orders'
-- lines, {order uid: {line id: units}}: what its reprinted label, courier file row and booking
-- name instead of the units first allocated.
CREATE TABLE unit_cancels (
    cancel_id  uuid        PRIMARY KEY,
    order_uid  text        NOT NULL,
    units      jsonb       NOT NULL,
    decided_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_cancels_order ON unit_cancels (order_uid);
ALTER TABLE waybills ADD COLUMN cancelled_units jsonb NOT NULL DEFAULT '{}';
