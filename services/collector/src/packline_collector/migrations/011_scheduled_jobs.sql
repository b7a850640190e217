-- Jobs every replica schedules but only one may run at a time (the mismatch check): a lease
-- and the time the next run is due, so N replicas run it once per interval, not N times.
CREATE TABLE scheduled_jobs (
    name        text        PRIMARY KEY,
    next_run_at timestamptz NOT NULL DEFAULT now(),
    lease_owner text,
    lease_until timestamptz,
    last_run_at timestamptz
);
