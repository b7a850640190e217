-- An order's uid became seller:marketplace:id (it was marketplace:id), and each member's order
-- names its seller.
UPDATE cancelled_orders c SET order_uid = p.seller_id || ':' || c.order_uid
FROM parcels p WHERE c.order_uid = ANY (p.order_uids);
UPDATE parcels SET
    order_uids = ARRAY(SELECT seller_id || ':' || u FROM unnest(order_uids) WITH ORDINALITY AS t(u, n)
                       ORDER BY n),
    members = (SELECT coalesce(jsonb_agg(m || jsonb_build_object(
                                             'uid', seller_id || ':' || (m ->> 'uid'),
                                             'order', (m -> 'order') || jsonb_build_object('seller_id', seller_id))
                                         ORDER BY n), '[]'::jsonb)
               FROM jsonb_array_elements(members) WITH ORDINALITY AS t(m, n));
