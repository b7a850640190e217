-- Where each account's last successful claims read (cancellations, returns) ended: the next
-- automatic collection reads claims from there, however long the collector was away, so a
-- claim made during a gap is never missed. NULL: not read yet (the collection window is used).
ALTER TABLE marketplace_accounts ADD COLUMN claims_read_to timestamptz;
