"""SQL for bundles and their members."""

import uuid
from collections.abc import Sequence

from packline_contracts import OrderMatched
from packline_runtime.db import Conn


async def lock_sellers(conn: Conn, seller_ids: Sequence[str], exclusive: bool) -> None:
    """The first lock of every bundler transaction that changes bundles: consumer batches take
    their sellers' locks shared (they never wait for each other), a person's merge, keep-apart
    or unmerge takes its seller's exclusive. So a person's change and arriving orders never
    hold bundle, member or review rows in opposite orders, and no batch reads merge groups a
    decision is rewriting."""
    fn = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    await conn.execute(
        f"""
        SELECT {fn}(k) FROM (
            SELECT DISTINCT hashtextextended('bundler-seller' || chr(31) || s, 7) AS k
            FROM unnest($1::text[]) s ORDER BY 1) locks
        """,
        sorted(set(seller_ids)),
    )


async def lock_recipients(conn: Conn, keys: Sequence[str]) -> None:
    """Advisory locks on every field digest of a batch, taken at once in one order: two orders
    sharing a field are handled one after the other, so neither misses the other's review."""
    await conn.execute(
        """
        SELECT pg_advisory_xact_lock(k)
        FROM (SELECT DISTINCT hashtextextended(x, 7) AS k FROM unnest($1::text[]) x ORDER BY 1) s
        """,
        [k for k in keys if k],
    )


async def members_of(
    conn: Conn, bundle_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[OrderMatched]]:
    """Live members: not cancelled, not withdrawn."""
    rows = await conn.fetch(
        """
        SELECT m.bundle_id, m.event FROM bundle_members m
        LEFT JOIN cancelled_orders c USING (order_uid)
        WHERE m.bundle_id = ANY($1::uuid[]) AND c.order_uid IS NULL AND NOT m.cancelled
          AND m.withdrawn_at IS NULL
        """,
        list(bundle_ids),
    )
    found: dict[uuid.UUID, list[OrderMatched]] = {b: [] for b in bundle_ids}
    for r in rows:
        found[r["bundle_id"]].append(OrderMatched.model_validate_json(r["event"]))
    return found


async def stats(conn: Conn, seller_id: str | None) -> dict[str, int]:
    """Counts for /stats: one seller's, or (None) every seller's. An order uid begins with its
    seller (`seller:marketplace:id`)."""
    rows = await conn.fetch(
        """
        SELECT status, count(*) AS n FROM bundles
        WHERE $1::text IS NULL OR seller_id = $1 GROUP BY status
        """,
        seller_id,
    )
    counts = {r["status"].lower(): int(r["n"]) for r in rows}
    counts["orders"] = int(
        await conn.fetchval(
            """
            SELECT count(*) FROM bundle_members
            WHERE $1::text IS NULL OR starts_with(order_uid, $1 || ':')
            """,
            seller_id,
        )
        or 0
    )
    counts["cancelled_orders"] = int(
        await conn.fetchval(
            """
            SELECT count(*) FROM cancelled_orders
            WHERE $1::text IS NULL OR starts_with(order_uid, $1 || ':')
            """,
            seller_id,
        )
        or 0
    )
    counts["pending_reviews"] = int(
        await conn.fetchval(
            """
            SELECT count(*) FROM reviews
            WHERE status = 'PENDING' AND ($1::text IS NULL OR seller_id = $1)
            """,
            seller_id,
        )
        or 0
    )
    return counts
