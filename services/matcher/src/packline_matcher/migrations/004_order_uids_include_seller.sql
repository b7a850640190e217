-- An order's uid became seller:marketplace:id (it was marketplace:id).
UPDATE cancelled_orders c SET order_uid = o.seller_id || ':' || c.order_uid
FROM (SELECT order_uid, seller_id FROM held_orders
      UNION SELECT order_uid, seller_id FROM matched_orders) o
WHERE o.order_uid = c.order_uid;
UPDATE held_orders SET order_uid = seller_id || ':' || order_uid;
UPDATE matched_orders SET order_uid = seller_id || ':' || order_uid;
