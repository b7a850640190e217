-- An ESM account is one ESM+ master id (login_id) holding a Gmarket and/or an Auction seller id:
-- the JWT's ssi names both, and each site's orders are listed by its own seller id.
ALTER TABLE marketplace_accounts
    ADD COLUMN gmarket_seller_id text NOT NULL DEFAULT '',
    ADD COLUMN auction_seller_id text NOT NULL DEFAULT '',
    ADD CONSTRAINT marketplace_accounts_esm_has_a_site
        CHECK (marketplace <> 'ESM' OR gmarket_seller_id <> '' OR auction_seller_id <> '');
