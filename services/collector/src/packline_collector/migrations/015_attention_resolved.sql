-- 확인 완료: a person marks an order_attention row handled (who, when, an optional note). A row
-- stays open until then; existing rows are all open. `attention_id` names one row in a URL
-- (the primary key is the finding itself: seller, order, kind, detail). A finding recorded
-- again after it was resolved is not added again (add_attention: ON CONFLICT DO NOTHING), so a
-- marketplace that keeps showing the same cancellation does not reopen a handled case.
ALTER TABLE order_attention
    ADD COLUMN attention_id bigserial,
    ADD COLUMN resolved_at  timestamptz,
    ADD COLUMN resolved_by  text,
    ADD COLUMN note         text;
ALTER TABLE order_attention ADD CONSTRAINT order_attention_id UNIQUE (attention_id);
ALTER TABLE order_attention ADD CONSTRAINT order_attention_resolved_by
    CHECK ((resolved_at IS NULL) = (resolved_by IS NULL));
CREATE INDEX order_attention_open ON order_attention (seller_id, detected_at)
    WHERE resolved_at IS NULL;
