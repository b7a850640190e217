"""SQL for the record of printed labels."""

import uuid
from collections.abc import Sequence

from packline_runtime.db import Conn


async def printed(conn: Conn, parcel_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    rows = await conn.fetch(
        "SELECT DISTINCT parcel_id FROM label_prints WHERE parcel_id = ANY($1::uuid[])",
        list(parcel_ids),
    )
    return {r["parcel_id"] for r in rows}


async def record(
    conn: Conn, prints: Sequence[tuple[uuid.UUID, str, bool]], seller_id: str, by: str
) -> None:
    await conn.execute(
        """
        INSERT INTO label_prints (parcel_id, tracking_number, reprint, seller_id, printed_by)
        SELECT p, t, r, $4, $5 FROM unnest($1::uuid[], $2::text[], $3::boolean[]) AS x(p, t, r)
        """,
        [p for p, _, _ in prints],
        [t for _, t, _ in prints],
        [r for _, _, r in prints],
        seller_id,
        by,
    )
