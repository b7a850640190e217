-- GET /bundles lists a seller's bundles newest first; GET /flow counts those sealed since a
-- moment (today, by default).
CREATE INDEX bundles_seller_opened ON bundles (seller_id, opened_at);
CREATE INDEX bundles_seller_sealed ON bundles (seller_id, sealed_at) WHERE sealed_at IS NOT NULL;
