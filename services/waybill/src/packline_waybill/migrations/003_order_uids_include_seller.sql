-- An order's uid became seller:marketplace:id (it was marketplace:id).
UPDATE cancelled_orders c SET order_uid = w.seller_id || ':' || c.order_uid
FROM waybills w WHERE c.order_uid = ANY (w.order_uids);
UPDATE waybills SET
    order_uids = ARRAY(SELECT seller_id || ':' || u FROM unnest(order_uids) WITH ORDINALITY AS t(u, n)
                       ORDER BY n),
    members = (SELECT coalesce(jsonb_agg(m || jsonb_build_object('order', seller_id || ':' || (m ->> 'order'))
                                         ORDER BY n), '[]'::jsonb)
               FROM jsonb_array_elements(members) WITH ORDINALITY AS t(m, n));
