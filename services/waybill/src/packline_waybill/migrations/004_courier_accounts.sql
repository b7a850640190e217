-- 택배 계정: a seller's courier accounts, their number bands (대역), and the seller's waybill
-- settings. An account's API secret is sealed by SecretBox (never stored in clear).
CREATE TABLE courier_accounts (
    account_id   bigserial   PRIMARY KEY,
    seller_id    text        NOT NULL,
    courier_code text        NOT NULL,
    name         text        NOT NULL,
    method       text        NOT NULL CHECK (method IN ('FILE', 'BAND', 'API')),
    template_key text        NOT NULL,
    sender       jsonb       NOT NULL,           -- {name, phone, address, postcode}
    api_base_url text,
    api_key_id   text,
    api_secret   bytea,                          -- SecretBox-sealed, context waybill:courier_account:<id>
    disabled     boolean     NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (seller_id, name),
    UNIQUE (seller_id, account_id),              -- target of the settings' same-seller foreign key
    CHECK ((api_base_url IS NULL) = (api_secret IS NULL) AND (api_key_id IS NULL) = (api_secret IS NULL)),
    CHECK (method <> 'API' OR api_secret IS NOT NULL)
);

CREATE TABLE courier_account_bands (
    band_id     bigserial   PRIMARY KEY,
    account_id  bigint      NOT NULL REFERENCES courier_accounts,
    band_start  bigint      NOT NULL,            -- first 11-digit serial
    band_end    bigint      NOT NULL,            -- last serial, inclusive
    next_serial bigint      NOT NULL,            -- band_end + 1 once used up
    low_water   integer     NOT NULL DEFAULT 500 CHECK (low_water >= 0),
    low_warned  boolean     NOT NULL DEFAULT false, -- the "running low" warning was logged
    created_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (0 <= band_start AND band_start <= band_end AND band_end <= 99999999999),
    CHECK (next_serial BETWEEN band_start AND band_end + 1)
);
CREATE INDEX courier_account_bands_account ON courier_account_bands (account_id, created_at, band_id);

CREATE TABLE waybill_settings (
    seller_id          text        PRIMARY KEY,
    default_account_id bigint,
    pre_shipment_push  boolean     NOT NULL DEFAULT false, -- 가배송: push the number when issued
    updated_at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (seller_id, default_account_id) REFERENCES courier_accounts (seller_id, account_id)
);
