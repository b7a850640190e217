-- Marketplace keys sealed at rest (design.md § 7): AES-256-GCM values of packline_runtime's
-- secret_box (key id inside each value, the account and column as associated data), and the
-- masked access key the API shows. The plaintext columns are emptied for good: the collector
-- seals the rows stored before this migration at startup (only it holds PACKLINE_SECRETS_KEY;
-- SQL cannot seal), and from now on no write may put a plaintext key back. NOT VALID because
-- those older rows still hold plaintext until that startup step has sealed them.
ALTER TABLE marketplace_accounts
    ADD COLUMN access_key_sealed bytea,  -- Coupang only
    ADD COLUMN secret_sealed     bytea,  -- Coupang secretKey, Naver client_secret
    ADD COLUMN access_key_hint   text NOT NULL DEFAULT '',
    ALTER COLUMN access_key DROP NOT NULL,
    ALTER COLUMN access_key DROP DEFAULT,
    ALTER COLUMN secret DROP NOT NULL;
ALTER TABLE marketplace_accounts
    ADD CONSTRAINT marketplace_accounts_no_plaintext_keys
        CHECK (access_key IS NULL AND secret IS NULL) NOT VALID,
    ADD CONSTRAINT marketplace_accounts_has_a_secret
        CHECK (secret_sealed IS NOT NULL OR secret IS NOT NULL);
