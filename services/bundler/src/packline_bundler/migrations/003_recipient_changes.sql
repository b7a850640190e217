-- 배송지 변경: the latest recipient each order was changed to, applied when its OrderMatched
-- arrives later (the matcher may release it after the change) and to bundles it already sits in.
CREATE TABLE recipient_changes (
    order_uid  text        PRIMARY KEY,
    event      jsonb       NOT NULL,  -- the latest OrderRecipientChanged
    changed_at timestamptz NOT NULL
);
