"""SQL for the seller's SKU catalogue."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from packline_matcher.domain.catalogue import CatalogueItem
from packline_runtime import search
from packline_runtime.db import Conn


async def upsert(conn: Conn, seller_id: str, items: Sequence[CatalogueItem], by: str) -> None:
    await conn.execute(
        """
        INSERT INTO catalogue (seller_id, sku, name, option, barcode, updated_by)
        SELECT $1, *, $6 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
        ON CONFLICT (seller_id, sku) DO UPDATE
        SET name = EXCLUDED.name, option = EXCLUDED.option, barcode = EXCLUDED.barcode,
            updated_by = EXCLUDED.updated_by, updated_at = now()
        """,
        seller_id,
        [i.sku for i in items],
        [i.name for i in items],
        [i.option for i in items],
        [i.barcode for i in items],
        by,
    )


async def known_skus(conn: Conn, seller_id: str, skus: Iterable[str]) -> set[str]:
    rows = await conn.fetch(
        "SELECT sku FROM catalogue WHERE seller_id = $1 AND sku = ANY($2::text[])",
        seller_id,
        sorted(set(skus)),
    )
    return {r["sku"] for r in rows}


async def known_pairs(conn: Conn, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """Which (seller, sku) pairs are in a catalogue: for many sellers in one statement."""
    pairs = sorted(set(pairs))
    if not pairs:
        return set()
    rows = await conn.fetch(
        """
        SELECT c.seller_id, c.sku FROM catalogue c
        JOIN unnest($1::text[], $2::text[]) AS k(s, sku) ON c.seller_id = k.s AND c.sku = k.sku
        """,
        [p[0] for p in pairs],
        [p[1] for p in pairs],
    )
    return {(r["seller_id"], r["sku"]) for r in rows}


async def items_of(conn: Conn, seller_ids: Iterable[str]) -> dict[str, list[CatalogueItem]]:
    rows = await conn.fetch(
        """
        SELECT seller_id, sku, name, option, barcode FROM catalogue
        WHERE seller_id = ANY($1::text[]) ORDER BY seller_id, sku
        """,
        sorted(set(seller_ids)),
    )
    found: dict[str, list[CatalogueItem]] = {}
    for r in rows:
        found.setdefault(r["seller_id"], []).append(
            CatalogueItem(r["sku"], r["name"], r["option"], r["barcode"])
        )
    return found


async def listing(
    conn: Conn,
    seller_id: str,
    limit: int,
    after: str | None = None,
    patterns: list[str] | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """One page of the seller's SKUs, by SKU code after `after`; `patterns` (search.patterns)
    match the SKU code or the name, `since` keeps SKUs updated from then on."""
    rows = await conn.fetch(
        f"""
        SELECT sku, name, option, barcode, updated_by, updated_at FROM catalogue
        WHERE seller_id = $1 AND ($3::text IS NULL OR sku > $3)
          AND {search.matching(4, "sku", "name")}
          AND ($5::timestamptz IS NULL OR updated_at >= $5)
        ORDER BY sku LIMIT $2
        """,
        seller_id,
        limit,
        after,
        patterns,
        since,
    )
    return [dict(r) for r in rows]


class PgCatalogueRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def known_pairs(self, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
        return await known_pairs(self._conn, pairs)

    async def known_skus(self, seller_id: str, skus: Iterable[str]) -> set[str]:
        return await known_skus(self._conn, seller_id, skus)

    async def upsert(self, seller_id: str, items: Sequence[CatalogueItem], by: str) -> None:
        await upsert(self._conn, seller_id, items, by)
