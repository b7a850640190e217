-- The console's funnel (GET /flow) counts parcels scanned out since a moment, many times a day.
CREATE INDEX parcels_shipped_at ON parcels (shipped_at) WHERE shipped_at IS NOT NULL;
