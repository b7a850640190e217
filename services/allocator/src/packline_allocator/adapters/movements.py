"""SQL for the audit trail of stock changes (stock_movements): a batch's rows written set-based,
and the console's list of them, filtered and paged in SQL."""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from packline_allocator.domain.movements import Movement
from packline_runtime import search
from packline_runtime.db import Conn


class PgMovementRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def add(self, movements: Sequence[Movement]) -> None:
        if not movements:
            return
        await self._conn.execute(
            """
            INSERT INTO stock_movements (batch_id, seller_id, sku, reason, delta, on_hand_after,
                                         safety_after, note, moved_by, moved_at)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::int[],
                                 $6::int[], $7::int[], $8::text[], $9::text[], $10::timestamptz[])
            """,
            [m.batch_id for m in movements],
            [m.seller_id for m in movements],
            [m.sku for m in movements],
            [m.reason.value for m in movements],
            [m.delta for m in movements],
            [m.on_hand_after for m in movements],
            [m.safety_after for m in movements],
            [m.note for m in movements],
            [m.by for m in movements],
            [m.at for m in movements],
        )


async def listing(
    conn: Conn,
    seller_id: str,
    sku: str | None,
    since: datetime | None,
    q: str | None,
    limit: int,
    offset: int,
    reason: str | None = None,
) -> list[dict[str, Any]]:
    """The seller's stock movements, newest first; `sku`: of that SKU only; `since`: from then
    on; `q`: the SKU, the note or who did it contains a term; `reason`: of that reason only."""
    rows = await conn.fetch(
        f"""
        SELECT id, batch_id, sku, reason, delta, on_hand_after, safety_after, note,
               moved_by AS by, moved_at AS at
        FROM stock_movements
        WHERE seller_id = $1 AND ($2::text IS NULL OR sku = $2)
          AND ($3::timestamptz IS NULL OR moved_at >= $3)
          AND {search.matching(4, "sku", "note", "moved_by")}
          AND ($7::text IS NULL OR reason = $7)
        ORDER BY moved_at DESC, id DESC LIMIT $5 OFFSET $6
        """,
        seller_id,
        sku,
        since,
        search.patterns(q),
        limit,
        offset,
        reason,
    )
    return [dict(r) for r in rows]
