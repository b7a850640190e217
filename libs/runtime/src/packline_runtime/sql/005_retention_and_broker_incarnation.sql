-- Pruning by age needs indexes on the times rows are pruned by.
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
CREATE INDEX inbox_received_at ON inbox (received_at);

-- A dead letter is resolved once a redrive has dealt with it (status no longer OPEN, at
-- redriven_at); only resolved letters are ever pruned, letters still needing a person are kept.
CREATE INDEX dead_letters_resolved ON dead_letters (redriven_at) WHERE status <> 'OPEN';

-- The broker incarnation (Kafka cluster id) this schema's outbox was last published to. When the
-- broker answers with another id it came back empty: every retained outbox row is sent again.
CREATE TABLE broker_incarnation (
    singleton  boolean     PRIMARY KEY DEFAULT true CHECK (singleton),
    cluster_id text        NOT NULL,
    seen_at    timestamptz NOT NULL DEFAULT now()
);
