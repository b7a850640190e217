-- GET /flow counts one seller's orders matched since a moment (today, by default).
CREATE INDEX matched_orders_seller_matched ON matched_orders (seller_id, matched_at);
