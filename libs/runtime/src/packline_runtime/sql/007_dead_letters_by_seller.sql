-- Dead letters are listed and redriven per seller: the seller their event names.
CREATE INDEX dead_letters_by_seller ON dead_letters (seller_id, status, id);

-- Letters kept before a malformed payload's seller was read: read it now where the payload is
-- JSON whose envelope names one; the rest stay 'unknown' (no seller's, see dead_letters_http).
DO $$
DECLARE
    letter record;
    named  text;
BEGIN
    FOR letter IN SELECT id, payload FROM dead_letters WHERE seller_id = 'unknown' LOOP
        BEGIN
            named := convert_from(letter.payload, 'UTF8')::jsonb ->> 'seller_id';
        EXCEPTION WHEN others THEN
            named := NULL;
        END;
        IF named IS NOT NULL AND length(named) BETWEEN 1 AND 64 THEN
            UPDATE dead_letters SET seller_id = named WHERE id = letter.id;
        END IF;
    END LOOP;
END $$;
