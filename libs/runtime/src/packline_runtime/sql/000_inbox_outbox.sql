-- Runtime tables present in every service schema: inbox (dedupe), outbox (publish), dead letters.
CREATE TABLE inbox (
    consumer    text        NOT NULL,
    event_id    uuid        NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    -- trace context the event arrived with, so work it causes later (a seal, a wave, a scan)
    -- joins the same trace
    traceparent text        NOT NULL DEFAULT '',
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE outbox (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id      uuid        NOT NULL UNIQUE,
    event_type    text        NOT NULL,
    topic         text        NOT NULL,
    partition_key text        NOT NULL,
    payload       bytea       NOT NULL,
    headers       jsonb       NOT NULL DEFAULT '{}'::jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    published_at  timestamptz
);
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;

-- One NOTIFY per inserting statement wakes the relay; the relay also polls as a backstop.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(TG_TABLE_SCHEMA || '_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
    FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

CREATE TABLE dead_letters (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    consumer       text        NOT NULL,
    topic          text        NOT NULL,
    kafka_partition int        NOT NULL,
    kafka_offset   bigint      NOT NULL,
    event_id       text        NOT NULL DEFAULT '',
    event_type     text        NOT NULL DEFAULT '',
    error          text        NOT NULL,
    payload        bytea       NOT NULL,
    payload_md5    text        GENERATED ALWAYS AS (md5(payload)) STORED,
    failed_at      timestamptz NOT NULL DEFAULT now(),
    -- a redelivered poison message is recorded once; the broker may reuse offsets after a restart
    UNIQUE (consumer, topic, kafka_partition, kafka_offset, payload_md5)
);
