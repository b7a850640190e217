"""SQL for mappings (매칭): the listing locks, loading a batch's mappings in one query, learning
and forgetting one, and the seller's mappings a page at a time."""

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from packline_contracts import SkuLine
from packline_matcher.domain.matching import MappingKey
from packline_runtime.db import Conn


def _skus(stored: str) -> tuple[SkuLine, ...]:
    return tuple(SkuLine.model_validate(s) for s in json.loads(stored))


class PgMappingRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def lock_listings(self, keys: Iterable[MappingKey], exclusive: bool) -> None:
        fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
        names = sorted({"\x1f".join(key) for key in keys})
        if not names:
            return
        # one statement, in lock-id order, so every transaction takes them in the same order
        await self._conn.execute(
            f"""
            SELECT {fn}(k)
            FROM (SELECT DISTINCT hashtextextended(x, 0) AS k FROM unnest($1::text[]) x
                  ORDER BY 1) s
            """,
            names,
        )

    async def get_many(self, keys: Iterable[MappingKey]) -> dict[MappingKey, tuple[SkuLine, ...]]:
        keys = list(set(keys))
        if not keys:
            return {}
        rows = await self._conn.fetch(
            """
            SELECT m.seller_id, m.marketplace, m.listing_id, m.option_id, m.skus
            FROM mappings m
            JOIN unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS k(s, mp, l, o)
              ON m.seller_id = k.s AND m.marketplace = k.mp AND m.listing_id = k.l
             AND m.option_id = k.o
            """,
            *[list(col) for col in zip(*keys, strict=True)],
        )
        return {
            (r["seller_id"], r["marketplace"], r["listing_id"], r["option_id"]): _skus(r["skus"])
            for r in rows
        }

    async def put(self, key: MappingKey, skus: Sequence[SkuLine], created_by: str) -> None:
        await self._conn.execute(
            """
            INSERT INTO mappings (seller_id, marketplace, listing_id, option_id, skus, created_by)
            VALUES ($1, $2, $3, $4, $5::jsonb, $6)
            ON CONFLICT (seller_id, marketplace, listing_id, option_id)
            DO UPDATE SET skus = EXCLUDED.skus, created_by = EXCLUDED.created_by,
                          created_at = now()
            """,
            *key,
            json.dumps([s.model_dump() for s in skus]),
            created_by,
        )

    async def delete(self, key: MappingKey) -> tuple[SkuLine, ...] | None:
        skus = await self._conn.fetchval(
            """
            DELETE FROM mappings
            WHERE seller_id = $1 AND marketplace = $2 AND listing_id = $3 AND option_id = $4
            RETURNING skus
            """,
            *key,
        )
        return None if skus is None else _skus(skus)


async def list_mappings(
    conn: Conn,
    seller_id: str,
    marketplace: str | None,
    listing_id: str | None,
    sku: str | None,
    limit: int,
    after: tuple[str, str, str] | None = None,
    patterns: list[str] | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """One page of the seller's mappings after `after` (marketplace, listing, option);
    `patterns` (search.patterns) match the listing id, the option id or one of the SKUs,
    `since` keeps mappings made from then on."""
    rows = await conn.fetch(
        """
        SELECT marketplace, listing_id, option_id, skus, created_by, reason, created_at
        FROM mappings
        WHERE seller_id = $1 AND ($2::text IS NULL OR marketplace = $2)
          AND ($3::text IS NULL OR listing_id = $3)
          AND ($4::text IS NULL OR skus @> jsonb_build_array(jsonb_build_object('sku', $4::text)))
          AND ($6::text IS NULL OR (marketplace, listing_id, option_id) > ($6, $7::text, $8::text))
          AND ($9::text[] IS NULL OR listing_id ILIKE ANY($9::text[])
               OR option_id ILIKE ANY($9::text[])
               OR EXISTS (SELECT 1 FROM jsonb_array_elements(skus) s
                          WHERE s->>'sku' ILIKE ANY($9::text[])))
          AND ($10::timestamptz IS NULL OR created_at >= $10)
        ORDER BY marketplace, listing_id, option_id
        LIMIT $5
        """,
        seller_id,
        marketplace,
        listing_id,
        sku,
        limit,
        *(after or (None, None, None)),
        patterns,
        since,
    )
    return [{**dict(r), "skus": json.loads(r["skus"])} for r in rows]
