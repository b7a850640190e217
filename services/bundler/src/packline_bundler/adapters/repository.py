"""SQL for bundles and their members."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

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


async def open_bundle_for(
    conn: Conn,
    seller_id: str,
    group_key: str,
    recipient_key: str,
    seal_after: datetime | None,
) -> uuid.UUID:
    """The group's OPEN bundle, created if needed, locked until the transaction ends.

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
            seller_id,
            group_key,
            recipient_key,
            seal_after,
        )
        bundle_id = await conn.fetchval(
            """
            SELECT bundle_id FROM bundles
            WHERE seller_id = $1 AND bundle_key = $2 AND status = 'OPEN'
            FOR UPDATE
            """,
            seller_id,
            group_key,
        )
        if bundle_id is not None:
            return bundle_id  # type: ignore[no-any-return]


async def add_member(
    conn: Conn, bundle_id: uuid.UUID, order: OrderMatched, key: str, hashes: Sequence[str]
) -> bool:
    """An order sits in one bundle; only a withdrawn (unmatched) membership can be replaced."""
    status = await conn.execute(
        """
        INSERT INTO bundle_members (order_uid, bundle_id, event, paid_at, matched_event_id,
            recipient_bundle_key, name_h, address_h, phone_h, mobile_h)
        VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10)
        ON CONFLICT (order_uid) DO UPDATE
        SET bundle_id = EXCLUDED.bundle_id, event = EXCLUDED.event, paid_at = EXCLUDED.paid_at,
            matched_event_id = EXCLUDED.matched_event_id, withdrawn_at = NULL,
            recipient_bundle_key = EXCLUDED.recipient_bundle_key, name_h = EXCLUDED.name_h,
            address_h = EXCLUDED.address_h, phone_h = EXCLUDED.phone_h,
            mobile_h = EXCLUDED.mobile_h, joined_at = now()
        WHERE bundle_members.withdrawn_at IS NOT NULL
        """,
        order.order.uid,
        bundle_id,
        order.model_dump_json(),
        order.paid_at,
        order.event_id,
        key,
        *hashes,
    )
    return status.endswith(" 1")


async def candidates(
    conn: Conn, seller_id: str, hashes: Sequence[str], group_key: str
) -> list[dict[str, Any]]:
    """Live members of the seller's other OPEN, bundleable bundles sharing a field digest."""
    name_h, address_h, phone_h, mobile_h = hashes
    phones = [h for h in (phone_h, mobile_h) if h]
    rows = await conn.fetch(
        """
        SELECT m.bundle_id, b.bundle_key AS group_key, m.recipient_bundle_key, m.event
        FROM bundle_members m JOIN bundles b USING (bundle_id)
        WHERE b.seller_id = $1 AND b.status = 'OPEN' AND b.bundle_key <> $2
          AND b.bundle_key NOT LIKE 'solo:%' AND m.withdrawn_at IS NULL AND NOT m.cancelled
          AND (m.name_h = $3 OR m.address_h = $4
               OR m.phone_h = ANY($5::text[]) OR m.mobile_h = ANY($5::text[]))
        ORDER BY m.bundle_id, m.order_uid
        """,
        seller_id,
        group_key,
        name_h,
        address_h,
        phones,
    )
    return [{**dict(r), "event": OrderMatched.model_validate_json(r["event"])} for r in rows]


async def leave_open_bundles(conn: Conn, uids: Sequence[str]) -> int:
    """Cancelled orders leave OPEN bundles; sealed ones keep them, flagged."""
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


async def mark_cancelled(conn: Conn, uids: Sequence[str]) -> None:
    """Orders cancelled after sealing stay members, flagged, so the box's history is kept."""
    await conn.execute(
        "UPDATE bundle_members SET cancelled = true WHERE order_uid = ANY($1::text[])", list(uids)
    )


async def claim_due(
    conn: Conn, limit: int, seller_id: str | None = None, now: bool = False
) -> list[uuid.UUID]:
    """Lock OPEN bundles whose time has come (or all of a seller's, when `now`), except those
    a pending review (확인필요) holds until a person decides."""
    rows = await conn.fetch(
        """
        SELECT bundle_id FROM bundles b
        WHERE status = 'OPEN' AND ($2 OR seal_after <= now())
          AND ($3::text IS NULL OR seller_id = $3)
          AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.status = 'PENDING'
                          AND (r.bundle_a = b.bundle_id OR r.bundle_b = b.bundle_id))
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


async def set_status(conn: Conn, bundle_ids: Sequence[uuid.UUID], status: str) -> None:
    await conn.execute(
        """
        UPDATE bundles SET status = $2,
            sealed_at = CASE WHEN $2 = 'SEALED' THEN now() ELSE sealed_at END
        WHERE bundle_id = ANY($1::uuid[])
        """,
        list(bundle_ids),
        status,
    )


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
