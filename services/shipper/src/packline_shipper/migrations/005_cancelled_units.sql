-- 부분취소: units cancelled so far per order line, also for orders with no parcel yet (a
-- partial cancellation can overtake its waybill); a parcel recorded later is marked at once.
CREATE TABLE cancelled_units (
    order_uid text    NOT NULL,
    line_id   text    NOT NULL,
    quantity  integer NOT NULL CHECK (quantity > 0),
    PRIMARY KEY (order_uid, line_id)
);
