"""SQL for bundle revisions (same bundle_id, higher revision: members left before allocation)
and for orders that moved to a newer bundle (unmerge, matched again). Only WAITING bundles
change: they hold no reservation, so nothing is released twice; allocation wins a race."""

import json
import uuid
from collections.abc import Sequence

from packline_allocator.domain.allocation import order_demand
from packline_contracts import BundleFormed
from packline_runtime.db import Conn


async def stored_revisions(
    conn: Conn, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, tuple[str, int]]:
    rows = await conn.fetch(
        """
        SELECT bundle_id, status, coalesce((event->>'revision')::int, 1) AS revision
        FROM bundles WHERE bundle_id = ANY($1::uuid[]) ORDER BY bundle_id FOR UPDATE
        """,
        list(ids),
    )
    return {r["bundle_id"]: (r["status"], r["revision"]) for r in rows}


async def apply_revision(conn: Conn, bundle: BundleFormed) -> None:
    """The stored bundle becomes the revision; live orders no longer in it leave (their rows go,
    so a later bundle may take them)."""
    await conn.execute(
        "UPDATE bundles SET event = $2::jsonb, paid_at = $3 WHERE bundle_id = $1",
        bundle.bundle_id,
        bundle.model_dump_json(),
        bundle.paid_at,
    )
    await conn.execute(
        """
        DELETE FROM bundle_orders
        WHERE bundle_id = $1 AND status = 'LIVE' AND NOT (order_uid = ANY($2::text[]))
        """,
        bundle.bundle_id,
        [m.order.uid for m in bundle.members],
    )


async def adopt(conn: Conn, bundle: BundleFormed) -> list[uuid.UUID]:
    """Members still LIVE in an older WAITING bundle move to this newer one (its revision
    saying they left may come later: topics keyed by bundle do not keep that order)."""
    rows = await conn.fetch(
        """
        WITH moved AS (
            SELECT o.order_uid, o.bundle_id AS old FROM bundle_orders o JOIN bundles b USING (bundle_id)
            WHERE o.order_uid = ANY($2::text[]) AND o.bundle_id <> $1 AND o.status = 'LIVE'
              AND b.status = 'WAITING' AND (b.event->>'occurred_at')::timestamptz < $3
            FOR UPDATE OF o
        )
        UPDATE bundle_orders o SET bundle_id = $1, sku_lines = n.sku_lines
        FROM moved m JOIN unnest($2::text[], $4::jsonb[]) AS n(order_uid, sku_lines)
             USING (order_uid)
        WHERE o.order_uid = m.order_uid
        RETURNING m.old
        """,
        bundle.bundle_id,
        [m.order.uid for m in bundle.members],
        bundle.occurred_at,
        [json.dumps(order_demand(m)) for m in bundle.members],
    )
    return sorted({r["old"] for r in rows})


async def settle_empty(conn: Conn, ids: Sequence[uuid.UUID]) -> None:
    """A waiting bundle whose every order left (moved, revised away) is over."""
    await conn.execute(
        """
        UPDATE bundles b SET status = 'CANCELLED'
        WHERE b.bundle_id = ANY($1::uuid[]) AND b.status = 'WAITING'
          AND NOT EXISTS (SELECT 1 FROM bundle_orders o
                          WHERE o.bundle_id = b.bundle_id AND o.status = 'LIVE')
        """,
        list(ids),
    )
