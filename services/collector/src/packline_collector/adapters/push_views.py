"""SQL for what a person reads of the tracking-number pushes: the list (searched and filtered in
SQL before paging) and the counts for /stats."""

from datetime import datetime

from packline_collector.adapters.push_repository import VIEW_COLUMNS
from packline_collector.domain.push import PushState, PushView
from packline_runtime import search
from packline_runtime.db import Conn


async def listed(
    conn: Conn,
    seller_id: str,
    state: PushState | None,
    marketplace: str | None,
    limit: int,
    offset: int,
    q: str | None = None,
    since: datetime | None = None,
) -> list[PushView]:
    """`q` searches the marketplace order id, the tracking number and the marketplace's answer;
    `since` keeps lines last attempted from then on, or recorded from then on when never
    attempted (`coalesce(last_attempt_at, created_at)`)."""
    matching = search.matching(6, "marketplace_order_id", "tracking_number", "result_message")
    rows = await conn.fetch(
        f"""
        SELECT {VIEW_COLUMNS} FROM tracking_pushes
        WHERE seller_id = $1 AND ($2::text IS NULL OR state = $2)
          AND ($3::text IS NULL OR marketplace = $3) AND {matching}
          AND ($7::timestamptz IS NULL OR coalesce(last_attempt_at, created_at) >= $7)
        ORDER BY updated_at DESC, marketplace_order_id, line_id LIMIT $4 OFFSET $5
        """,
        seller_id,
        state.value if state else None,
        marketplace,
        limit,
        offset,
        search.patterns(q),
        since,
    )
    return [PushView.model_validate(dict(r)) for r in rows]


async def counts(conn: Conn, seller_id: str | None) -> dict[str, dict[str, int]]:
    """Lines per marketplace and state, for /stats: one seller's, or (None) every seller's."""
    rows = await conn.fetch(
        """
        SELECT marketplace, state, count(*) AS n FROM tracking_pushes
        WHERE $1::text IS NULL OR seller_id = $1 GROUP BY 1, 2
        """,
        seller_id,
    )
    found: dict[str, dict[str, int]] = {}
    for r in rows:
        found.setdefault(r["marketplace"], {})[r["state"]] = r["n"]
    return found
