-- Dead letters of any stage that concern our orders (DeadLettered), so an order a stage could
-- not handle shows as stranded on its view until the letter is redriven.
CREATE TABLE order_dead_letters (
    order_uid         text        NOT NULL,  -- OrderRef.uid as the contracts compute it
    consumer          text        NOT NULL,
    dead_letter_id    bigint      NOT NULL,  -- id in that service's dead_letters
    service           text        NOT NULL,
    failed_event_type text        NOT NULL,
    error             text        NOT NULL,
    status            text        NOT NULL,
    attempts          int         NOT NULL,
    failed_at         timestamptz NOT NULL,
    updated_at        timestamptz NOT NULL,  -- occurred_at of the latest announcement
    PRIMARY KEY (consumer, dead_letter_id, order_uid)
);
CREATE INDEX order_dead_letters_open ON order_dead_letters (order_uid) WHERE status = 'OPEN';
