-- An order is (seller, marketplace, marketplace order id): two sellers may both register an
-- own-shop or Excel order `A-1`. Existing rows keep their seller.
ALTER TABLE orders DROP CONSTRAINT orders_pkey;
ALTER TABLE orders ADD PRIMARY KEY (seller_id, marketplace, marketplace_order_id);

ALTER TABLE order_attention DROP CONSTRAINT order_attention_pkey;
ALTER TABLE order_attention
    ADD PRIMARY KEY (seller_id, marketplace, marketplace_order_id, kind, detail);
