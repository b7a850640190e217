-- The listings and options each marketplace's API named in a seller's collected orders, so an
-- order file that lacks an id (Naver's download has no optionCode, Coupang's newer DeliveryList
-- no sellerProductId, 11st's no prdStckNo) takes the API's: looked up by listing + option
-- wording, or by option id. One row per (seller, marketplace, listing, option); seen_at is when
-- an API collection last named it, the newest winning a lookup. Lines carry no recipient data.
CREATE TABLE marketplace_options (
    seller_id   text        NOT NULL,
    marketplace text        NOT NULL,
    listing_id  text        NOT NULL,
    option_id   text        NOT NULL,
    option_name text        NOT NULL DEFAULT '',
    seen_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (seller_id, marketplace, listing_id, option_id)
);
CREATE INDEX marketplace_options_by_option ON marketplace_options (seller_id, marketplace, option_id);
