-- 안전재고 (safety stock) per SKU: held back from allocation (available = on hand − allocated −
-- safety); it is no oversell guard, so a count or a shipment may eat into it.
ALTER TABLE stock ADD COLUMN safety integer NOT NULL DEFAULT 0
    CONSTRAINT stock_safety_not_negative CHECK (safety >= 0);

-- The audit trail of stock changes: one row per SKU per batch, with its reason (입고, 조정,
-- 반품 재입고, 실사, 안전재고 set / release), who and when. For safety rows `delta` is the
-- change of the safety stock.
CREATE TABLE stock_movements (
    id            bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    batch_id      uuid        NOT NULL,
    seller_id     text        NOT NULL,
    sku           text        NOT NULL,
    reason        text        NOT NULL CHECK (reason IN ('RECEIPT', 'ADJUSTMENT', 'RETURN_RESTOCK',
                                                         'STOCKTAKE', 'SAFETY_SET', 'SAFETY_RELEASE')),
    delta         integer     NOT NULL,
    on_hand_after integer     NOT NULL CHECK (on_hand_after >= 0),
    safety_after  integer     NOT NULL CHECK (safety_after >= 0),
    note          text        NOT NULL DEFAULT '',
    moved_by      text        NOT NULL,
    moved_at      timestamptz NOT NULL,
    UNIQUE (batch_id, sku)
);
CREATE INDEX stock_movements_seller ON stock_movements (seller_id, moved_at DESC, id DESC);
CREATE INDEX stock_movements_seller_sku ON stock_movements (seller_id, sku, moved_at DESC, id DESC);
