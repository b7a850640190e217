"""SQL for revoked matches: OrderMatched events an unmatch withdrew (a late copy never joins)."""

import uuid
from collections.abc import Sequence

from packline_runtime.db import Conn


async def revoke(conn: Conn, matched_event_ids: Sequence[uuid.UUID], uids: Sequence[str]) -> None:
    await conn.execute(
        """
        INSERT INTO revoked_matches (matched_event_id, order_uid)
        SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING
        """,
        list(matched_event_ids),
        list(uids),
    )


async def revoked_among(conn: Conn, event_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    rows = await conn.fetch(
        "SELECT matched_event_id FROM revoked_matches WHERE matched_event_id = ANY($1::uuid[])",
        list(event_ids),
    )
    return {r["matched_event_id"] for r in rows}
