-- How a seller's allocation waves run (issue 13): CONTINUOUS (as stock and bundles arrive, the
-- default: no row), MANUAL (only when a person presses 할당처리) or SCHEDULED (every N minutes).
CREATE TABLE wave_modes (
    seller_id text PRIMARY KEY,
    mode text NOT NULL CHECK (mode IN ('CONTINUOUS', 'MANUAL', 'SCHEDULED')),
    every_minutes int CHECK (every_minutes BETWEEN 1 AND 1440),
    last_run_at timestamptz,
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((mode = 'SCHEDULED') = (every_minutes IS NOT NULL))
);
CREATE INDEX wave_modes_scheduled ON wave_modes (last_run_at) WHERE mode = 'SCHEDULED';
