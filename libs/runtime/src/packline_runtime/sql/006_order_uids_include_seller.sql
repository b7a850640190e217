-- An order's uid became seller:marketplace:id (it was marketplace:id). The latest change of each
-- order names its seller in the event it keeps. Cancellation tombstones do not: each service's
-- own migration renames those whose order it knows.
UPDATE recipient_changes SET order_uid = (event ->> 'seller_id') || ':' || order_uid;
