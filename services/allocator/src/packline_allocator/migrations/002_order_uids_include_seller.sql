-- An order's uid became seller:marketplace:id (it was marketplace:id).
UPDATE cancelled_orders c SET order_uid = b.seller_id || ':' || c.order_uid
FROM bundle_orders o JOIN bundles b USING (bundle_id)
WHERE o.order_uid = c.order_uid;
ALTER TABLE reservations DROP CONSTRAINT reservations_order_uid_fkey;
UPDATE bundle_orders o SET order_uid = b.seller_id || ':' || o.order_uid
FROM bundles b WHERE b.bundle_id = o.bundle_id;
UPDATE reservations SET order_uid = seller_id || ':' || order_uid;
ALTER TABLE reservations ADD CONSTRAINT reservations_order_uid_fkey
    FOREIGN KEY (order_uid) REFERENCES bundle_orders (order_uid);
