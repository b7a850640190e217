-- 주문등록 batches: one row per uploaded file that registered orders (EXCEL, or a JSON-lines
-- import, FILE), when and by whom, so the console can list a seller's uploads newest first and
-- delete one. Batches registered before this migration are backfilled from their orders: the
-- time their orders were registered (one transaction, so one time), nobody recorded as author.
CREATE TABLE order_batches (
    seller_id     text        NOT NULL,
    batch_id      uuid        NOT NULL,
    source        text        NOT NULL,
    registered_at timestamptz NOT NULL DEFAULT now(),
    registered_by text        NOT NULL DEFAULT '',
    registered    int         NOT NULL,  -- orders the upload created (duplicates not counted)
    PRIMARY KEY (seller_id, batch_id)
);
CREATE INDEX order_batches_newest ON order_batches (seller_id, source, registered_at DESC);

INSERT INTO order_batches (seller_id, batch_id, source, registered_at, registered)
SELECT seller_id, batch_id, min(source), min(collected_at), count(*)
FROM orders WHERE batch_id IS NOT NULL
GROUP BY seller_id, batch_id;
