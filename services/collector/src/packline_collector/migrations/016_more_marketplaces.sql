ALTER TABLE marketplace_accounts DROP CONSTRAINT marketplace_accounts_marketplace_check;
ALTER TABLE marketplace_accounts ADD CONSTRAINT marketplace_accounts_marketplace_check
    CHECK (marketplace IN ('COUPANG', 'NAVER', 'ELEVENST', 'ESM'));
