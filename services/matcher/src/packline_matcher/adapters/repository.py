"""SQL for mappings, the unmatched queue and matched orders."""

import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from packline_contracts import OrderCollected, SkuLine
from packline_matcher.domain.matching import ListingKey, Matched
from packline_runtime.db import Conn

MappingKey = tuple[str, str, str, str]  # seller, marketplace, listing, option


async def lock_listings(conn: Conn, keys: Iterable[MappingKey], exclusive: bool) -> None:
    """Orders take these shared, a new mapping exclusive: an order is never held while its
    mapping is being added, and a mapping never misses an order being held."""
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    names = sorted({"\x1f".join(key) for key in keys})
    if not names:
        return
    # one statement, in lock-id order, so every transaction takes them in the same order
    await conn.execute(
        f"""
        SELECT {fn}(k)
        FROM (SELECT DISTINCT hashtextextended(x, 0) AS k FROM unnest($1::text[]) x ORDER BY 1) s
        """,
        names,
    )


async def load_mappings(
    conn: Conn, keys: Iterable[MappingKey]
) -> dict[MappingKey, tuple[SkuLine, ...]]:
    keys = list(set(keys))
    if not keys:
        return {}
    rows = await conn.fetch(
        """
        SELECT m.seller_id, m.marketplace, m.listing_id, m.option_id, m.skus
        FROM mappings m
        JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(s, mp, l, o)
          ON m.seller_id = k.s AND m.marketplace = k.mp AND m.listing_id = k.l AND m.option_id = k.o
        """,
        *[list(col) for col in zip(*keys, strict=True)],
    )
    return {
        (r["seller_id"], r["marketplace"], r["listing_id"], r["option_id"]): tuple(
            SkuLine.model_validate(s) for s in json.loads(r["skus"])
        )
        for r in rows
    }


async def upsert_mapping(
    conn: Conn, key: MappingKey, skus: Sequence[SkuLine], created_by: str
) -> None:
    await conn.execute(
        """
        INSERT INTO mappings (seller_id, marketplace, listing_id, option_id, skus, created_by)
        VALUES ($1, $2, $3, $4, $5::jsonb, $6)
        ON CONFLICT (seller_id, marketplace, listing_id, option_id)
        DO UPDATE SET skus = EXCLUDED.skus, created_by = EXCLUDED.created_by, created_at = now()
        """,
        *key,
        json.dumps([s.model_dump() for s in skus]),
        created_by,
    )


async def hold(conn: Conn, order: OrderCollected, missing: list[ListingKey]) -> None:
    await conn.execute(
        """
        INSERT INTO held_orders (order_uid, seller_id, event, missing)
        VALUES ($1, $2, $3::jsonb, $4::jsonb)
        ON CONFLICT (order_uid) DO UPDATE SET missing = EXCLUDED.missing,
            suggested_at = CASE WHEN held_orders.missing = EXCLUDED.missing
                                THEN held_orders.suggested_at END,
            asked_at = CASE WHEN held_orders.missing = EXCLUDED.missing
                            THEN held_orders.asked_at ELSE clock_timestamp() END
        """,
        order.order.uid,
        order.seller_id,
        order.model_dump_json(),
        json.dumps(missing),
    )


async def record_matched(conn: Conn, matched: Sequence[tuple[OrderCollected, Matched]]) -> set[str]:
    """Returns the uids newly recorded; an order already matched is not matched again."""
    rows = await conn.fetch(
        """
        INSERT INTO matched_orders
            (order_uid, seller_id, marketplace, event, matched_event_id, listings)
        SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[], $5::uuid[],
                             $6::jsonb[])
        ON CONFLICT DO NOTHING RETURNING order_uid
        """,
        [o.order.uid for o, _ in matched],
        [o.seller_id for o, _ in matched],
        [o.order.marketplace.value for o, _ in matched],
        [o.model_dump_json() for o, _ in matched],
        [m.event.event_id for _, m in matched],
        [json.dumps(m.via_mappings) for _, m in matched],
    )
    return {r["order_uid"] for r in rows}


async def held_for_listing(conn: Conn, key: MappingKey) -> list[OrderCollected]:
    seller, marketplace, listing, option = key
    rows = await conn.fetch(
        """
        SELECT event FROM held_orders
        WHERE seller_id = $1 AND event->'order'->>'marketplace' = $2
          AND missing @> jsonb_build_array(jsonb_build_array($3::text, $4::text))
        ORDER BY held_at
        FOR UPDATE
        """,
        seller,
        marketplace,
        listing,
        option,
    )
    return [OrderCollected.model_validate_json(r["event"]) for r in rows]


async def release(conn: Conn, uids: Sequence[str]) -> None:
    await conn.execute("DELETE FROM held_orders WHERE order_uid = ANY($1::text[])", list(uids))


async def stats(conn: Conn, seller_id: str | None) -> dict[str, int]:
    """Counts for /stats: one seller's, or (None) every seller's. An order uid begins with its
    seller (`seller:marketplace:id`)."""
    row = await conn.fetchrow(
        """
        SELECT (SELECT count(*) FROM matched_orders
                WHERE $1::text IS NULL OR seller_id = $1) AS matched,
               (SELECT count(*) FROM held_orders
                WHERE $1::text IS NULL OR seller_id = $1) AS unmatched,
               (SELECT count(*) FROM mappings
                WHERE $1::text IS NULL OR seller_id = $1) AS mappings,
               (SELECT count(*) FROM cancelled_orders
                WHERE $1::text IS NULL OR starts_with(order_uid, $1 || ':')) AS cancelled
        """,
        seller_id,
    )
    assert row is not None
    return {k: int(v) for k, v in dict(row).items()}


async def flow(
    conn: Conn, seller_id: str | None, since: datetime
) -> tuple[dict[str, int], dict[str, datetime | None]]:
    """/flow: orders matched from `since` on (an order matched again after its mapping was
    deleted counts once, at its latest match), and when the oldest order still waiting in the
    unmatched queue was held. One seller's, or (None) every seller's."""
    row = await conn.fetchrow(
        """
        SELECT (SELECT count(*) FROM matched_orders
                WHERE ($1::text IS NULL OR seller_id = $1) AND matched_at >= $2) AS matched,
               (SELECT min(held_at) FROM held_orders
                WHERE $1::text IS NULL OR seller_id = $1) AS unmatched
        """,
        seller_id,
        since,
    )
    assert row is not None
    return {"matched": int(row["matched"])}, {"unmatched": row["unmatched"]}
