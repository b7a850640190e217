-- A bundle may leave as several parcels (the marketplace forbids its orders to share a number):
-- WaybillIssued v3 names the parcel. A parcel may still get a new number (배송지 변경, a replaced
-- number), but at most one of its numbers is not VOIDED. Parcels recorded before are their bundle.
ALTER TABLE parcels ADD COLUMN parcel_id uuid;
UPDATE parcels SET parcel_id = bundle_id;
ALTER TABLE parcels ALTER COLUMN parcel_id SET NOT NULL;
DROP INDEX parcels_one_live_per_bundle;
CREATE UNIQUE INDEX parcels_one_live_number ON parcels (parcel_id) WHERE status <> 'VOIDED';
CREATE INDEX parcels_parcel ON parcels (parcel_id);
