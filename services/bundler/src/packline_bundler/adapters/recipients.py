"""SQL for the bundles of orders whose address changed (배송지 변경)."""

from collections.abc import Sequence
from typing import Any

from packline_contracts import OrderMatched
from packline_runtime.db import Conn


async def memberships(conn: Conn, uids: Sequence[str]) -> list[dict[str, Any]]:
    """Each order's current membership with its stored OrderMatched, its bundle locked."""
    rows = await conn.fetch(
        """
        SELECT m.order_uid, m.event, m.withdrawn_at, m.cancelled, b.bundle_id, b.status,
               b.revision, b.seller_id
        FROM bundle_members m JOIN bundles b USING (bundle_id)
        WHERE m.order_uid = ANY($1::text[])
        ORDER BY b.bundle_id
        FOR UPDATE OF b
        """,
        list(uids),
    )
    return [{**dict(r), "event": OrderMatched.model_validate_json(r["event"])} for r in rows]
