-- 배송지 변경: the latest recipient each order was changed to (OrderRecipientChanged), kept by
-- every stage that must apply it to an order that reaches it later.
CREATE TABLE recipient_changes (
    order_uid  text        PRIMARY KEY,
    event      jsonb       NOT NULL,  -- the latest OrderRecipientChanged
    changed_at timestamptz NOT NULL
);
