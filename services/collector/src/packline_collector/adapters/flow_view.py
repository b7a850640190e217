"""SQL for the collector's GET /flow: what passed since a moment and, per queue, when its oldest
waiting item arrived; one seller's, or (None) every seller's. Counts and times only."""

from datetime import datetime

from packline_runtime.db import Conn

DONE = ("collected", "shipped", "pushed")
OLDEST = ("collection_running", "push_pending", "push_failed", "attention", "cancel_requested")

_SELLER = "($1::text IS NULL OR seller_id = $1)"


async def flow(
    conn: Conn, seller_id: str | None, since: datetime
) -> tuple[dict[str, int], dict[str, datetime | None]]:
    row = await conn.fetchrow(
        f"""
        SELECT
          (SELECT count(*) FROM orders
           WHERE {_SELLER} AND collected_at >= $2 AND status <> 'DELETED') AS collected,
          (SELECT count(*) FROM orders
           WHERE {_SELLER} AND status = 'SHIPPED' AND status_at >= $2) AS shipped,
          (SELECT count(*) FROM tracking_pushes
           WHERE {_SELLER} AND state = 'SENT' AND sent_at >= $2) AS pushed,
          (SELECT min(started_at) FROM collection_jobs
           WHERE {_SELLER} AND status = 'RUNNING') AS collection_running,
          (SELECT min(created_at) FROM tracking_pushes
           WHERE {_SELLER} AND state = 'PENDING') AS push_pending,
          (SELECT min(coalesce(last_attempt_at, updated_at)) FROM tracking_pushes
           WHERE {_SELLER} AND state = 'FAILED') AS push_failed,
          (SELECT min(detected_at) FROM order_attention
           WHERE {_SELLER} AND resolved_at IS NULL) AS attention,
          (SELECT min(status_at) FROM orders
           WHERE {_SELLER} AND status = 'CANCEL_REQUESTED') AS cancel_requested
        """,
        seller_id,
        since,
    )
    assert row is not None  # a SELECT without FROM always answers one row
    return {k: int(row[k]) for k in DONE}, {k: row[k] for k in OLDEST}
