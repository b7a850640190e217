"""SQL for stock ledgers: loaded by (seller, SKU) list in one locked query, written back
set-based (only what changed)."""

from collections.abc import Collection, Iterable

import asyncpg

from packline_allocator.domain.ledger import StockBelowReserved, StockLedger
from packline_runtime.db import Conn


class PgStockRepository:
    """An identity map of the transaction's ledgers: each is read (and row-locked) once, and
    every use of it in the batch sees the same object."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn
        self._seen: dict[tuple[str, str], StockLedger] = {}

    async def lock_sellers(self, sellers: Iterable[str]) -> None:
        """Allocation, stock changes and releases of one seller run one at a time, across
        replicas (a transaction-scoped advisory lock per seller, in a fixed order)."""
        for seller in sorted(set(sellers)):
            await self._conn.execute(
                "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", f"alloc:{seller}"
            )

    async def ledgers(self, seller_id: str, skus: Collection[str]) -> dict[str, StockLedger]:
        found = await self.ledgers_of([(seller_id, sku) for sku in skus])
        return {sku: ledger for (_, sku), ledger in found.items()}

    async def ledgers_of(
        self, keys: Collection[tuple[str, str]]
    ) -> dict[tuple[str, str], StockLedger]:
        missing = sorted(set(keys) - set(self._seen))
        if missing:
            rows = await self._conn.fetch(
                """
                SELECT s.seller_id, s.sku, s.on_hand, s.allocated, s.safety
                FROM stock s JOIN unnest($1::text[], $2::text[]) AS k(seller_id, sku)
                     ON s.seller_id = k.seller_id AND s.sku = k.sku
                ORDER BY s.seller_id, s.sku FOR UPDATE OF s
                """,
                [seller for seller, _ in missing],
                [sku for _, sku in missing],
            )
            for r in rows:
                key = (r["seller_id"], r["sku"])
                self._seen[key] = StockLedger(
                    *key, on_hand=r["on_hand"], reserved=r["allocated"], safety=r["safety"]
                )
        return {key: self._seen[key] for key in keys if key in self._seen}

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
                INSERT INTO stock (seller_id, sku, on_hand, allocated, safety)
                SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::int[])
                ON CONFLICT (seller_id, sku) DO UPDATE
                SET on_hand = EXCLUDED.on_hand, allocated = EXCLUDED.allocated,
                    safety = EXCLUDED.safety, updated_at = now()
                """,
                [ledger.seller_id for ledger in dirty],
                [ledger.sku for ledger in dirty],
                [ledger.on_hand for ledger in dirty],
                [ledger.reserved for ledger in dirty],
                [ledger.safety for ledger in dirty],
            )
        except asyncpg.CheckViolationError as exc:
            raise StockBelowReserved(
                "on-hand cannot go below the quantity already reserved for allocated bundles"
            ) from exc
        for ledger in dirty:
            ledger.stored, ledger.changed = True, False
            self._seen[(ledger.seller_id, ledger.sku)] = ledger
