-- Every human decision a service acts on (match, merge, keep apart, unmerge, mapping delete,
-- settings), with who, when and why.
CREATE TABLE decisions (
    decision_id bigserial   PRIMARY KEY,
    seller_id   text        NOT NULL,
    action      text        NOT NULL,
    subject     jsonb       NOT NULL,
    decided_by  text        NOT NULL,
    reason      text        NOT NULL DEFAULT '',
    decided_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX decisions_seller ON decisions (seller_id, decided_at);
