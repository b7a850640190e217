-- 부분취소: units cancelled so far per order line. Kept for orders not (yet) here too, since a
-- partial cancellation can overtake its bundle; applied to the order's demand when it arrives.
CREATE TABLE cancelled_units (
    order_uid text    NOT NULL,
    line_id   text    NOT NULL,
    quantity  integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_uid, line_id)
);
