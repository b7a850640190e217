"""SQL for bundles and their members."""

import uuid
from collections.abc import Sequence
from datetime import datetime

from packline_contracts import OrderMatched
from packline_runtime.db import Conn


async def open_bundle_for(
    conn: Conn, order: OrderMatched, key: str, seal_after: datetime
) -> uuid.UUID:
    """The recipient's OPEN bundle, created if needed, locked until the transaction ends.

    If a sealer seals it between our insert and our lock, the loop opens a fresh one.
    """
    while True:
        await conn.execute(
            """
            INSERT INTO bundles (bundle_id, seller_id, bundle_key, recipient_key, seal_after)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (seller_id, bundle_key) WHERE status = 'OPEN' DO NOTHING
            """,
            uuid.uuid4(),
            order.seller_id,
            key,
            order.recipient_key,
            seal_after,
        )
        bundle_id = await conn.fetchval(
            """
            SELECT bundle_id FROM bundles
            WHERE seller_id = $1 AND bundle_key = $2 AND status = 'OPEN'
            FOR UPDATE
            """,
            order.seller_id,
            key,
        )
        if bundle_id is not None:
            return bundle_id  # type: ignore[no-any-return]


async def add_member(conn: Conn, bundle_id: uuid.UUID, order: OrderMatched) -> bool:
    status = await conn.execute(
        """
        INSERT INTO bundle_members (order_uid, bundle_id, event, paid_at)
        VALUES ($1, $2, $3::jsonb, $4) ON CONFLICT (order_uid) DO NOTHING
        """,
        order.order.uid,
        bundle_id,
        order.model_dump_json(),
        order.paid_at,
    )
    return status.endswith(" 1")


async def leave_open_bundles(conn: Conn, uids: Sequence[str]) -> int:
    """Cancelled orders leave OPEN bundles; sealed ones keep them (later stages compensate)."""
    rows = await conn.fetch(
        """
        SELECT b.bundle_id FROM bundle_members m JOIN bundles b USING (bundle_id)
        WHERE m.order_uid = ANY($1::text[]) AND b.status = 'OPEN'
        ORDER BY b.bundle_id
        FOR UPDATE OF b
        """,
        list(uids),
    )
    if not rows:
        return 0
    result = await conn.execute(
        """
        DELETE FROM bundle_members m USING bundles b
        WHERE m.bundle_id = b.bundle_id AND b.status = 'OPEN' AND m.order_uid = ANY($1::text[])
        """,
        list(uids),
    )
    return int(result.split()[-1])


async def claim_due(
    conn: Conn, limit: int, seller_id: str | None = None, now: bool = False
) -> list[uuid.UUID]:
    """Lock OPEN bundles whose hold window has passed (or all of a seller's, when `now`)."""
    rows = await conn.fetch(
        """
        SELECT bundle_id FROM bundles
        WHERE status = 'OPEN' AND ($2 OR seal_after <= now())
          AND ($3::text IS NULL OR seller_id = $3)
        ORDER BY seal_after
        LIMIT $1
        FOR UPDATE SKIP LOCKED
        """,
        limit,
        now,
        seller_id,
    )
    return [r["bundle_id"] for r in rows]


async def members_of(
    conn: Conn, bundle_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[OrderMatched]]:
    rows = await conn.fetch(
        """
        SELECT m.bundle_id, m.event FROM bundle_members m
        LEFT JOIN cancelled_orders c USING (order_uid)
        WHERE m.bundle_id = ANY($1::uuid[]) AND c.order_uid IS NULL AND NOT m.cancelled
        """,
        list(bundle_ids),
    )
    found: dict[uuid.UUID, list[OrderMatched]] = {b: [] for b in bundle_ids}
    for r in rows:
        found[r["bundle_id"]].append(OrderMatched.model_validate_json(r["event"]))
    return found


async def set_status(conn: Conn, bundle_ids: Sequence[uuid.UUID], status: str) -> None:
    await conn.execute(
        """
        UPDATE bundles SET status = $2, sealed_at = CASE WHEN $2 = 'SEALED' THEN now() END
        WHERE bundle_id = ANY($1::uuid[])
        """,
        list(bundle_ids),
        status,
    )


async def stats(conn: Conn) -> dict[str, int]:
    rows = await conn.fetch("SELECT status, count(*) AS n FROM bundles GROUP BY status")
    counts = {r["status"].lower(): int(r["n"]) for r in rows}
    counts["orders"] = int(await conn.fetchval("SELECT count(*) FROM bundle_members") or 0)
    counts["cancelled_orders"] = int(
        await conn.fetchval("SELECT count(*) FROM cancelled_orders") or 0
    )
    return counts


async def mark_cancelled(conn: Conn, uids: Sequence[str]) -> None:
    """Orders cancelled after sealing stay members, flagged, so the box's history is kept."""
    await conn.execute(
        "UPDATE bundle_members SET cancelled = true WHERE order_uid = ANY($1::text[])", list(uids)
    )
