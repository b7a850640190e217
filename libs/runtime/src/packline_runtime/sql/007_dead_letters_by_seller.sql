-- Dead letters are listed and redriven per seller: the seller their event names.
CREATE INDEX dead_letters_by_seller ON dead_letters (seller_id, status, id);

-- Letters kept before a malformed payload's seller was read: read it now where the payload is
-- JSON whose envelope names one; the rest stay 'unknown' (no seller's, see dead_letters_http).
DO $$
DECLARE
    letter record;
    body   text;
    named  text;
BEGIN
    FOR letter IN SELECT id, payload FROM dead_letters WHERE seller_id = 'unknown' LOOP
        named := NULL;
        BEGIN
            body := convert_from(letter.payload, 'UTF8');
            BEGIN
                SELECT CASE WHEN json_typeof(doc -> 'seller_id') = 'string'
                            THEN doc ->> 'seller_id' END
                INTO named
                FROM (SELECT body::json AS doc) AS parsed
                WHERE json_typeof(doc) = 'object';
            EXCEPTION WHEN others THEN
                -- JSON with a \u0000 (the usual poison) cannot be read as text by PostgreSQL:
                -- the envelope's seller_id, its first, as written by the contracts
                named := substring(body FROM '^\{[^{]*?"seller_id"\s*:\s*"([^"\\]{1,64})"');
            END;
        EXCEPTION WHEN others THEN
            named := NULL;  -- not UTF-8
        END;
        IF named IS NOT NULL AND length(named) BETWEEN 1 AND 64 THEN
            UPDATE dead_letters SET seller_id = named WHERE id = letter.id;
        END IF;
    END LOOP;
END $$;
