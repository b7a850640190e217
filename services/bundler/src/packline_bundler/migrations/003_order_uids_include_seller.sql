-- An order's uid became seller:marketplace:id (it was marketplace:id).
UPDATE cancelled_orders c SET order_uid = b.seller_id || ':' || c.order_uid
FROM bundle_members m JOIN bundles b USING (bundle_id)
WHERE m.order_uid = c.order_uid;
UPDATE revoked_matches r SET order_uid = b.seller_id || ':' || r.order_uid
FROM bundle_members m JOIN bundles b USING (bundle_id)
WHERE m.order_uid = r.order_uid;
UPDATE bundle_members m SET order_uid = b.seller_id || ':' || m.order_uid
FROM bundles b WHERE b.bundle_id = m.bundle_id;
