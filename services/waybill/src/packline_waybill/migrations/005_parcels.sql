-- 송장 as sellers work it (issue 9). A waybill row is now one parcel: a bundle whose orders may
-- not share a number (separate invoices) has one parcel per order. A parcel may wait for its
-- number (AWAITING: the courier file round trip, or a courier API booking) and remembers how it
-- got it. Rows written before are one parcel per bundle, numbered from the band.
ALTER TABLE waybills ADD COLUMN parcel_id uuid;
UPDATE waybills SET parcel_id = bundle_id;
ALTER TABLE waybills ALTER COLUMN parcel_id SET NOT NULL;
ALTER TABLE waybills DROP CONSTRAINT waybills_pkey;
ALTER TABLE waybills ADD PRIMARY KEY (parcel_id);
CREATE INDEX waybills_bundle ON waybills (bundle_id);

-- The reference the courier file and the courier API carry (고객주문번호): PL + parcel_no, with
-- -rev when the parcel had to be booked or exported again under a new number.
ALTER TABLE waybills ADD COLUMN parcel_no bigserial UNIQUE;
ALTER TABLE waybills ADD COLUMN reference_rev int NOT NULL DEFAULT 1;

ALTER TABLE waybills ALTER COLUMN tracking_number DROP NOT NULL;
ALTER TABLE waybills DROP CONSTRAINT waybills_status_check;
ALTER TABLE waybills DROP CONSTRAINT waybills_check;
ALTER TABLE waybills ADD CONSTRAINT waybills_status_check
    CHECK (status IN ('AWAITING', 'ISSUED', 'VOIDED'));
ALTER TABLE waybills ADD CONSTRAINT waybills_voided_at_check
    CHECK ((status = 'VOIDED') = (voided_at IS NOT NULL));
ALTER TABLE waybills ADD CONSTRAINT waybills_issued_has_number
    CHECK (status <> 'ISSUED' OR tracking_number IS NOT NULL);
ALTER TABLE waybills ALTER COLUMN issued_at DROP NOT NULL;
ALTER TABLE waybills ALTER COLUMN issued_at DROP DEFAULT;
ALTER TABLE waybills ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
UPDATE waybills SET created_at = issued_at;

ALTER TABLE waybills ADD COLUMN method text NOT NULL DEFAULT 'BAND'
    CHECK (method IN ('FILE', 'BAND', 'API'));
ALTER TABLE waybills ADD COLUMN issued_via text CHECK (issued_via IN ('FILE', 'BAND', 'API'));
UPDATE waybills SET issued_via = 'BAND';
ALTER TABLE waybills ADD COLUMN account_id bigint REFERENCES courier_accounts (account_id);
ALTER TABLE waybills ADD COLUMN pre_shipment_push boolean NOT NULL DEFAULT false;
ALTER TABLE waybills ADD COLUMN source jsonb;          -- the StockAllocated that made the parcel
ALTER TABLE waybills ADD COLUMN recipient jsonb;       -- the label's recipient, as last issued
ALTER TABLE waybills ADD COLUMN sorting jsonb;         -- the courier's sorting codes, once known
-- Courier API booking: when to try next, how often it was tried, the last failure.
ALTER TABLE waybills ADD COLUMN next_booking_at timestamptz;
ALTER TABLE waybills ADD COLUMN booking_attempts int NOT NULL DEFAULT 0;
ALTER TABLE waybills ADD COLUMN booking_error jsonb;  -- {"code", "message", "retryable", "at"}
-- Courier file round trip: the last export batch that carried the parcel.
ALTER TABLE waybills ADD COLUMN export_batch_id bigint;
ALTER TABLE waybills ADD COLUMN exported_at timestamptz;
CREATE INDEX waybills_awaiting ON waybills (seller_id, method) WHERE status = 'AWAITING';
CREATE INDEX waybills_booking_due ON waybills (next_booking_at)
    WHERE status = 'AWAITING' AND next_booking_at IS NOT NULL;

ALTER TABLE replaced_numbers ADD COLUMN parcel_id uuid;
UPDATE replaced_numbers SET parcel_id = bundle_id;
ALTER TABLE replaced_numbers ALTER COLUMN parcel_id SET NOT NULL;
ALTER TABLE replaced_numbers ADD COLUMN decided_by text;

-- A courier file written for a seller: kept so it can be downloaded again. A password-protected
-- file is stored as encrypted by that password; the password itself is never stored.
CREATE TABLE export_batches (
    id                 bigserial   PRIMARY KEY,
    seller_id          text        NOT NULL,
    account_id         bigint      REFERENCES courier_accounts (account_id),
    courier_code       text        NOT NULL,
    template_key       text        NOT NULL,
    file_format        text        NOT NULL CHECK (file_format IN ('xlsx', 'csv')),
    encoding           text,
    password_protected boolean     NOT NULL,
    filename           text        NOT NULL,
    content            bytea       NOT NULL,
    parcel_ids         uuid[]      NOT NULL,
    references_        text[]      NOT NULL,
    created_by         text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX export_batches_seller ON export_batches (seller_id, id DESC);

-- A seller's copy of a courier template, adjusted (some couriers send a customised sheet).
CREATE TABLE courier_templates (
    seller_id  text        NOT NULL,
    key        text        NOT NULL,
    template   jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, key)
);

-- 송장출력: every label printed, so a second print is marked and counted as a reprint.
CREATE TABLE label_prints (
    id              bigserial   PRIMARY KEY,
    parcel_id       uuid        NOT NULL,
    seller_id       text        NOT NULL,
    tracking_number text        NOT NULL,
    reprint         boolean     NOT NULL,
    printed_by      text        NOT NULL,
    printed_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX label_prints_parcel ON label_prints (parcel_id);
