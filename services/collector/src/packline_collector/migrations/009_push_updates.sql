-- A line already SENT may get another number (가배송 then a relabel or a replaced parcel): it
-- goes back to PENDING with the new number while the marketplace still holds the old one, so
-- the pusher knows to call the marketplace's update instead of a first upload.
ALTER TABLE tracking_pushes
    ADD COLUMN marketplace_number       text NOT NULL DEFAULT '',
    ADD COLUMN marketplace_courier_code text NOT NULL DEFAULT '';
UPDATE tracking_pushes SET marketplace_number = tracking_number,
                           marketplace_courier_code = courier_code
WHERE state = 'SENT';

-- CANCELLED: the order was cancelled here; its line is never pushed (again).
ALTER TABLE tracking_pushes DROP CONSTRAINT tracking_pushes_state_check;
ALTER TABLE tracking_pushes ADD CONSTRAINT tracking_pushes_state_check
    CHECK (state IN ('PENDING', 'SENT', 'FAILED', 'NOT_APPLICABLE', 'CANCELLED'));
