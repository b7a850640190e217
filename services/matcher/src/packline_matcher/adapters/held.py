"""SQL for the unmatched queue (held orders) as the use cases see it: loaded a batch at a time
(row-locked) as HeldOrder entries, written back set-based, released."""

import json
from collections.abc import Collection, Sequence
from typing import Any

from packline_contracts import OrderCollected
from packline_matcher.domain.matching import ListingKey, MappingKey
from packline_matcher.domain.queue import HeldOrder
from packline_runtime.db import Conn


def _entry(row: Any) -> HeldOrder:
    missing: list[ListingKey] = [(m[0], m[1]) for m in json.loads(row["missing"])]
    return HeldOrder(OrderCollected.model_validate_json(row["event"]), missing, stored=True)


class PgQueueRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def among(self, uids: Collection[str]) -> dict[str, HeldOrder]:
        if not uids:
            return {}
        rows = await self._conn.fetch(
            """
            SELECT event, missing FROM held_orders WHERE order_uid = ANY($1::text[])
            ORDER BY order_uid FOR UPDATE
            """,
            list(uids),
        )
        return {e.uid: e for e in map(_entry, rows)}

    async def for_listing(self, key: MappingKey) -> list[HeldOrder]:
        seller, marketplace, listing, option = key
        rows = await self._conn.fetch(
            """
            SELECT event, missing FROM held_orders
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
        return [_entry(r) for r in rows]

    async def save(self, held: Sequence[HeldOrder]) -> None:
        new = [h for h in held if not h.stored]
        if new:
            # a racing delivery of the same order may have queued it meanwhile: that one stays
            await self._conn.execute(
                """
                INSERT INTO held_orders (order_uid, seller_id, event, missing)
                SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[], $4::jsonb[])
                ON CONFLICT (order_uid) DO NOTHING
                """,
                [h.uid for h in new],
                [h.order.seller_id for h in new],
                [h.order.model_dump_json() for h in new],
                [json.dumps(h.missing) for h in new],
            )
        asked = [h for h in held if h.stored and h.asked_again]
        if asked:
            await self._conn.execute(
                """
                UPDATE held_orders h
                SET missing = c.missing, suggested_at = NULL, asked_at = clock_timestamp()
                FROM unnest($1::text[], $2::jsonb[]) AS c(uid, missing)
                WHERE h.order_uid = c.uid
                """,
                [h.uid for h in asked],
                [json.dumps(h.missing) for h in asked],
            )
        for h in held:
            h.stored, h.asked_again = True, False

    async def release(self, uids: Sequence[str]) -> None:
        if uids:
            await self._conn.execute(
                "DELETE FROM held_orders WHERE order_uid = ANY($1::text[])", list(uids)
            )

    async def ask_again(self, seller_id: str) -> None:
        await self._conn.execute(
            """
            UPDATE held_orders SET suggested_at = NULL, asked_at = clock_timestamp()
            WHERE seller_id = $1
            """,
            seller_id,
        )
