"""SQL for stock ledgers: loaded per seller and SKU list in one locked query, written back
set-based (only what changed)."""

from collections.abc import Collection, Iterable

import asyncpg

from packline_allocator.domain.ledger import StockBelowReserved, StockLedger
from packline_runtime.db import Conn


class PgStockRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def lock_sellers(self, sellers: Iterable[str]) -> None:
        """Allocation, stock changes and releases of one seller run one at a time, across
        replicas (a transaction-scoped advisory lock per seller, in a fixed order)."""
        for seller in sorted(set(sellers)):
            await self._conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"alloc:{seller}"
            )

    async def ledgers(self, seller_id: str, skus: Collection[str]) -> dict[str, StockLedger]:
        rows = await self._conn.fetch(
            """
            SELECT sku, on_hand, allocated FROM stock
            WHERE seller_id = $1 AND sku = ANY($2::text[]) ORDER BY sku FOR UPDATE
            """,
            seller_id,
            sorted(set(skus)),
        )
        return {
            r["sku"]: StockLedger(seller_id, r["sku"], r["on_hand"], r["allocated"]) for r in rows
        }

    async def save(self, ledgers: Iterable[StockLedger]) -> None:
        dirty = sorted(
            (ledger for ledger in ledgers if ledger.changed or not ledger.stored),
            key=lambda ledger: (ledger.seller_id, ledger.sku),
        )
        if not dirty:
            return
        try:
            await self._conn.execute(
                """
                INSERT INTO stock (seller_id, sku, on_hand, allocated)
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[])
                ON CONFLICT (seller_id, sku) DO UPDATE
                SET on_hand = EXCLUDED.on_hand, allocated = EXCLUDED.allocated, updated_at = now()
                """,
                [ledger.seller_id for ledger in dirty],
                [ledger.sku for ledger in dirty],
                [ledger.on_hand for ledger in dirty],
                [ledger.reserved for ledger in dirty],
            )
        except asyncpg.CheckViolationError as exc:
            raise StockBelowReserved(
                "on-hand cannot go below the quantity already reserved for allocated bundles"
            ) from exc
        for ledger in dirty:
            ledger.stored, ledger.changed = True, False
