-- 배송지 변경: a parcel whose label names an old address is held (RELABEL) until the waybill
-- stage re-issues the bundle under a new number; the old parcel is then VOIDED. A bundle may
-- so have several parcels over time, but at most one that is not VOIDED: only it can ship.
ALTER TABLE parcels DROP CONSTRAINT parcels_bundle_id_key;
ALTER TABLE parcels DROP CONSTRAINT parcels_status_check;
ALTER TABLE parcels ADD CONSTRAINT parcels_status_check
    CHECK (status IN ('READY', 'SHIPPED', 'STOPPED', 'RELABEL', 'VOIDED'));
ALTER TABLE parcels ADD COLUMN recipient jsonb;  -- the label's recipient (WaybillIssued)
CREATE UNIQUE INDEX parcels_one_live_per_bundle ON parcels (bundle_id) WHERE status <> 'VOIDED';
CREATE INDEX parcels_bundle ON parcels (bundle_id);
