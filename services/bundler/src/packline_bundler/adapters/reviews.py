"""SQL for 확인필요 reviews, remembered pair decisions and merge groups."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from packline_runtime import search
from packline_runtime.db import Conn


async def group_keys(conn: Conn, seller_id: str, keys: Sequence[str]) -> dict[str, str]:
    rows = await conn.fetch(
        "SELECT bundle_key, group_key FROM merge_groups WHERE seller_id = $1 "
        "AND bundle_key = ANY($2::text[])",
        seller_id,
        list(keys),
    )
    found = {r["bundle_key"]: r["group_key"] for r in rows}
    return {k: found.get(k, k) for k in keys}


async def join_groups(conn: Conn, seller_id: str, a: str, b: str) -> str:
    """Merge the groups of two recipients; the smaller group key names the union."""
    groups = await group_keys(conn, seller_id, [a, b])
    target = min(groups.values())
    await conn.execute(
        """
        INSERT INTO merge_groups (seller_id, bundle_key, group_key)
        SELECT $1, k, $3 FROM unnest($2::text[]) k
        ON CONFLICT (seller_id, bundle_key) DO UPDATE SET group_key = EXCLUDED.group_key
        """,
        seller_id,
        [a, b],
        target,
    )
    await conn.execute(
        "UPDATE merge_groups SET group_key = $3 WHERE seller_id = $1 AND group_key = ANY($2)",
        seller_id,
        list(groups.values()),
        target,
    )
    return target


async def decide(
    conn: Conn, seller_id: str, pair: tuple[str, str], decision: str, by: str, reason: str
) -> None:
    await conn.execute(
        """
        INSERT INTO pair_decisions (seller_id, key_a, key_b, decision, decided_by, reason)
        VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (seller_id, key_a, key_b) DO UPDATE
        SET decision = EXCLUDED.decision, decided_by = EXCLUDED.decided_by,
            reason = EXCLUDED.reason, decided_at = now()
        """,
        seller_id,
        *pair,
        decision,
        by,
        reason,
    )


async def is_sellers(conn: Conn, seller_id: str, review_id: int) -> bool:
    """Whether the review is the seller's, read without a lock (a review never changes
    seller); False for a missing one too."""
    value = await conn.fetchval(
        "SELECT true FROM reviews WHERE review_id = $1 AND seller_id = $2", review_id, seller_id
    )
    return value is not None


async def repoint(conn: Conn, old: uuid.UUID, new: uuid.UUID) -> None:
    """Reviews that named a bundle merged away now name the bundle it joined."""
    await conn.execute("UPDATE reviews SET bundle_a = $2 WHERE bundle_a = $1", old, new)
    await conn.execute("UPDATE reviews SET bundle_b = $2 WHERE bundle_b = $1", old, new)


async def pending(
    conn: Conn,
    seller_id: str,
    status: str,
    limit: int,
    after: int = 0,
    patterns: list[str] | None = None,
    since: datetime | None = None,
) -> list[dict[str, Any]]:
    """One page of the seller's reviews in a status, by review id after `after`. `patterns`
    (search.patterns) match the uid of either order (never the recipients); `since` keeps
    reviews raised from then on."""
    rows = await conn.fetch(
        f"""
        SELECT r.review_id, r.status, r.fields, r.created_at, r.decided_at, r.bundle_a,
               r.bundle_b, a.event AS order_a, b.event AS order_b
        FROM reviews r
        LEFT JOIN bundle_members a ON a.order_uid = r.order_a
        LEFT JOIN bundle_members b ON b.order_uid = r.order_b
        WHERE r.seller_id = $1 AND r.status = $2 AND r.review_id > $4
          AND {search.matching(5, "r.order_a", "r.order_b")}
          AND ($6::timestamptz IS NULL OR r.created_at >= $6)
        ORDER BY r.review_id LIMIT $3
        """,
        seller_id,
        status,
        limit,
        after,
        patterns,
        since,
    )
    return [dict(r) for r in rows]
