"""SQL for matched orders: recorded set-based (a redelivered order is matched once), found
again by the mapping they used when it is deleted, and marked when allocated."""

import json
import uuid
from collections.abc import Sequence

from packline_contracts import OrderCollected
from packline_matcher.domain.matching import MappingKey, Matched
from packline_runtime.db import Conn


class PgMatchedRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def record(self, matched: Sequence[tuple[OrderCollected, Matched]]) -> set[str]:
        if not matched:
            return set()
        rows = await self._conn.fetch(
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

    async def matched_by(self, key: MappingKey) -> list[tuple[OrderCollected, uuid.UUID]]:
        seller, marketplace, listing, option = key
        rows = await self._conn.fetch(
            """
            SELECT event, matched_event_id FROM matched_orders
            WHERE seller_id = $1 AND marketplace = $2 AND allocated_at IS NULL
              AND event IS NOT NULL
              AND listings @> jsonb_build_array(jsonb_build_array($3::text, $4::text))
            ORDER BY order_uid
            FOR UPDATE
            """,
            seller,
            marketplace,
            listing,
            option,
        )
        return [
            (OrderCollected.model_validate_json(r["event"]), r["matched_event_id"]) for r in rows
        ]

    async def forget(self, uids: Sequence[str]) -> None:
        await self._conn.execute(
            "DELETE FROM matched_orders WHERE order_uid = ANY($1::text[])", list(uids)
        )

    async def mark_allocated(self, uids: Sequence[str]) -> None:
        await self._conn.execute(
            """
            UPDATE matched_orders SET allocated_at = now()
            WHERE order_uid = ANY($1::text[]) AND allocated_at IS NULL
            """,
            list(uids),
        )

    async def record_allocated(self, orders: Sequence[OrderCollected]) -> None:
        await self._conn.execute(
            """
            INSERT INTO matched_orders (order_uid, seller_id, marketplace, event, allocated_at)
            SELECT *, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[])
            ON CONFLICT (order_uid) DO UPDATE SET allocated_at = now()
            """,
            [o.order.uid for o in orders],
            [o.seller_id for o in orders],
            [o.order.marketplace.value for o in orders],
            [o.model_dump_json() for o in orders],
        )
