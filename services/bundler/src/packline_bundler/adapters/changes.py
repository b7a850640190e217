"""SQL for changes to sealed bundles: revisions, withdrawn (unmatched) members, unmerge, and
what the allocator's StockAllocated tells us."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from packline_contracts import OrderMatched
from packline_runtime.db import Conn


async def record_sealed(
    conn: Conn, bundle_id: uuid.UUID, revision: int, separate: bool, paid_at: datetime
) -> None:
    await conn.execute(
        """
        UPDATE bundles SET revision = $2, separate_invoices = $3, paid_at = $4
        WHERE bundle_id = $1
        """,
        bundle_id,
        revision,
        separate,
        paid_at,
    )


async def bundles_of(conn: Conn, uids: Sequence[str]) -> list[dict[str, Any]]:
    """The current bundle of each order, locked: bundle id, status, revision, order uid, and
    the membership (its OrderMatched as stored JSON, withdrawn, cancelled)."""
    rows = await conn.fetch(
        """
        SELECT m.order_uid, m.matched_event_id, m.withdrawn_at, m.cancelled, m.event,
               b.bundle_id, b.status, b.revision, b.seller_id
        FROM bundle_members m JOIN bundles b USING (bundle_id)
        WHERE m.order_uid = ANY($1::text[])
        ORDER BY b.bundle_id
        FOR UPDATE OF b
        """,
        list(uids),
    )
    return [dict(r) for r in rows]


async def is_sellers(conn: Conn, seller_id: str, bundle_id: uuid.UUID) -> bool:
    """Whether the bundle is the seller's, read without a lock (a bundle never changes
    seller); False for a missing one too."""
    value = await conn.fetchval(
        "SELECT true FROM bundles WHERE bundle_id = $1 AND seller_id = $2", bundle_id, seller_id
    )
    return value is not None


async def lock_bundle(conn: Conn, bundle_id: uuid.UUID) -> dict[str, Any] | None:
    row = await conn.fetchrow("SELECT * FROM bundles WHERE bundle_id = $1 FOR UPDATE", bundle_id)
    return dict(row) if row else None


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


async def remove(conn: Conn, uids: Sequence[str]) -> None:
    await conn.execute("DELETE FROM bundle_members WHERE order_uid = ANY($1::text[])", list(uids))


async def withdraw(conn: Conn, uids: Sequence[str]) -> None:
    """Kept as a row (so the order sits in no other bundle) until it is matched again."""
    await conn.execute(
        "UPDATE bundle_members SET withdrawn_at = now() WHERE order_uid = ANY($1::text[])",
        list(uids),
    )


async def any_member(conn: Conn, bundle_id: uuid.UUID) -> OrderMatched:
    raw = await conn.fetchval(
        "SELECT event FROM bundle_members WHERE bundle_id = $1 ORDER BY paid_at LIMIT 1",
        bundle_id,
    )
    return OrderMatched.model_validate_json(raw)


async def new_sealed_bundle(conn: Conn, bundle_id: uuid.UUID, like: dict[str, Any]) -> None:
    await conn.execute(
        """
        INSERT INTO bundles (bundle_id, seller_id, bundle_key, recipient_key, status, seal_after,
                             sealed_at)
        VALUES ($1, $2, $3, $4, 'SEALED', NULL, now())
        """,
        bundle_id,
        like["seller_id"],
        f"unmerged:{bundle_id}",
        like["recipient_key"],
    )


async def move(conn: Conn, uids: Sequence[str], bundle_id: uuid.UUID) -> None:
    await conn.execute(
        """
        UPDATE bundle_members SET bundle_id = $2, withdrawn_at = NULL
        WHERE order_uid = ANY($1::text[])
        """,
        list(uids),
        bundle_id,
    )


async def reclaim(conn: Conn, bundle_id: uuid.UUID, uids: Sequence[str]) -> list[str]:
    """Allocation won: members a change had taken out of this bundle come back to it."""
    rows = await conn.fetch(
        """
        UPDATE bundle_members SET bundle_id = $1, withdrawn_at = NULL
        WHERE order_uid = ANY($2::text[]) AND (bundle_id <> $1 OR withdrawn_at IS NOT NULL)
        RETURNING order_uid
        """,
        bundle_id,
        list(uids),
    )
    return [r["order_uid"] for r in rows]


async def mark_allocated(conn: Conn, bundle_ids: Sequence[uuid.UUID]) -> None:
    await conn.execute(
        """
        UPDATE bundles SET status = 'ALLOCATED'
        WHERE bundle_id = ANY($1::uuid[]) AND status IN ('SEALED', 'CANCELLED')
        """,
        list(bundle_ids),
    )


async def cancel_if_empty(conn: Conn, bundle_ids: Sequence[uuid.UUID]) -> None:
    """A sealed bundle left without live members is over (its orders moved or left)."""
    await conn.execute(
        """
        UPDATE bundles b SET status = 'CANCELLED'
        WHERE b.bundle_id = ANY($1::uuid[]) AND b.status = 'SEALED'
          AND NOT EXISTS (SELECT 1 FROM bundle_members m WHERE m.bundle_id = b.bundle_id
                          AND NOT m.cancelled AND m.withdrawn_at IS NULL)
        """,
        list(bundle_ids),
    )
