-- Dead letters know their orders and can be redriven (sent back through the handler).
ALTER TABLE dead_letters
    ADD COLUMN seller_id       text        NOT NULL DEFAULT 'unknown',
    -- OrderRef uids the failed event concerns, as the contracts compute them
    ADD COLUMN order_uids      text[]      NOT NULL DEFAULT '{}',
    ADD COLUMN status          text        NOT NULL DEFAULT 'OPEN'
        CHECK (status IN ('OPEN', 'REDRIVEN', 'ALREADY_PROCESSED')),
    ADD COLUMN attempts        int         NOT NULL DEFAULT 1,
    ADD COLUMN last_attempt_at timestamptz NOT NULL DEFAULT now(),
    ADD COLUMN redriven_by     text,
    ADD COLUMN redriven_at     timestamptz;
UPDATE dead_letters SET last_attempt_at = failed_at;
CREATE INDEX dead_letters_by_status ON dead_letters (status, id);

-- An inbox row written for a dead-lettered event only keeps redeliveries out; redrive may
-- replace it. A row without the mark means the event was really processed.
ALTER TABLE inbox ADD COLUMN dead_lettered boolean NOT NULL DEFAULT false;
UPDATE inbox SET dead_lettered = true
FROM dead_letters d
WHERE d.consumer = inbox.consumer AND d.event_id = inbox.event_id::text;
