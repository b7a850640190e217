"""SQL for 상태 불일치: the lines a check reads again, the mismatches it found or resolved, their
list, and the daily reconciliation counts per marketplace account."""

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from packline_collector.domain.mismatch import (
    AccountDay,
    Found,
    MismatchKind,
    MismatchView,
    ShippedLine,
)
from packline_collector.domain.push import LineKey
from packline_runtime import search
from packline_runtime.db import Conn

KEY = "seller_id, marketplace, marketplace_order_id, line_id"


async def shipped_lines(
    conn: Conn, seller_id: str | None, since: datetime, settled_before: datetime
) -> list[ShippedLine]:
    """Lines recorded for a push since `since`: SENT or FAILED, or PENDING since before
    `settled_before` (a number just recorded is on its way, not a mismatch)."""
    rows = await conn.fetch(
        """
        SELECT p.seller_id, p.marketplace, p.marketplace_order_id, p.line_id, p.account_id,
               p.tracking_number, o.paid_at
        FROM tracking_pushes p
        LEFT JOIN orders o ON (o.seller_id, o.marketplace, o.marketplace_order_id)
                              = (p.seller_id, p.marketplace, p.marketplace_order_id)
        WHERE ($1::text IS NULL OR p.seller_id = $1) AND p.created_at >= $2
          AND p.account_id IS NOT NULL
          AND (p.state IN ('SENT', 'FAILED') OR (p.state = 'PENDING' AND p.created_at < $3))
        ORDER BY p.seller_id, p.marketplace, p.marketplace_order_id, p.line_id
        """,
        seller_id,
        since,
        settled_before,
    )
    return [
        ShippedLine(
            LineKey(r["seller_id"], r["marketplace"], r["marketplace_order_id"], r["line_id"]),
            r["account_id"],
            r["tracking_number"],
            r["paid_at"],
        )
        for r in rows
    ]


async def save_check(
    conn: Conn, checked: Sequence[ShippedLine], found: Sequence[Found], now: datetime
) -> int:
    """Found mismatches open (again); every other open one of the checked lines is resolved.
    Returns how many were resolved."""
    await conn.execute(
        f"""
        INSERT INTO mismatches ({KEY}, kind, account_id, our_tracking_number,
                                marketplace_status, marketplace_tracking_number,
                                detected_at, last_checked_at)
        SELECT t.*, $10, $10 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[],
                                        $5::text[], $6::uuid[], $7::text[], $8::text[],
                                        $9::text[]) AS t
        ON CONFLICT ({KEY}, kind) DO UPDATE
        SET our_tracking_number = EXCLUDED.our_tracking_number,
            marketplace_status = EXCLUDED.marketplace_status,
            marketplace_tracking_number = EXCLUDED.marketplace_tracking_number,
            last_checked_at = EXCLUDED.last_checked_at,
            detected_at = CASE WHEN mismatches.resolved_at IS NULL THEN mismatches.detected_at
                               ELSE EXCLUDED.detected_at END,
            resolved_at = NULL
        """,
        [f.line.key.seller_id for f in found],
        [f.line.key.marketplace for f in found],
        [f.line.key.marketplace_order_id for f in found],
        [f.line.key.line_id for f in found],
        [f.kind.value for f in found],
        [f.line.account_id for f in found],
        [f.line.tracking_number for f in found],
        [f.seen.status[:100] for f in found],
        [f.seen.tracking_number[:100] for f in found],
        now,
    )
    rows = await conn.fetch(
        """
        UPDATE mismatches m SET resolved_at = $6, last_checked_at = $6
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS t(seller_id, marketplace, marketplace_order_id, line_id)
        WHERE (m.seller_id, m.marketplace, m.marketplace_order_id, m.line_id)
              = (t.seller_id, t.marketplace, t.marketplace_order_id, t.line_id)
          AND m.resolved_at IS NULL
          AND NOT (m.seller_id || ':' || m.marketplace || ':' || m.marketplace_order_id || ':'
                   || m.line_id || ':' || m.kind) = ANY($5::text[])
        RETURNING 1
        """,
        [c.key.seller_id for c in checked],
        [c.key.marketplace for c in checked],
        [c.key.marketplace_order_id for c in checked],
        [c.key.line_id for c in checked],
        [
            f"{f.line.key.seller_id}:{f.line.key.marketplace}:{f.line.key.marketplace_order_id}"
            f":{f.line.key.line_id}:{f.kind.value}"
            for f in found
        ],
        now,
    )
    return len(rows)


COLUMNS = f"""{KEY}, kind, our_tracking_number, marketplace_status, marketplace_tracking_number,
              detected_at, last_checked_at, resolved_at"""


async def listed(
    conn: Conn,
    seller_id: str,
    open_only: bool,
    kind: MismatchKind | None,
    limit: int,
    offset: int,
    q: str | None = None,
    since: datetime | None = None,
) -> list[MismatchView]:
    """`q` searches the marketplace order id and both tracking numbers; `since` keeps those
    detected from then on."""
    matching = search.matching(
        6, "marketplace_order_id", "our_tracking_number", "marketplace_tracking_number"
    )
    rows = await conn.fetch(
        f"""
        SELECT {COLUMNS} FROM mismatches
        WHERE seller_id = $1 AND (NOT $2 OR resolved_at IS NULL)
          AND ($3::text IS NULL OR kind = $3) AND {matching}
          AND ($7::timestamptz IS NULL OR detected_at >= $7)
        ORDER BY detected_at DESC, {KEY}, kind LIMIT $4 OFFSET $5
        """,
        seller_id,
        open_only,
        kind.value if kind else None,
        limit,
        offset,
        search.patterns(q),
        since,
    )
    return [MismatchView.model_validate(dict(r)) for r in rows]


async def day(conn: Conn, seller_id: str, start: datetime, end: datetime) -> list[AccountDay]:
    """Per marketplace account (and orders without one), counts of [start, end)."""
    rows = await conn.fetch(
        """
        WITH collected AS (
            SELECT account_id, marketplace, count(*) AS n FROM orders
            WHERE seller_id = $1 AND collected_at >= $2 AND collected_at < $3 GROUP BY 1, 2),
        shipped AS (
            SELECT account_id, marketplace,
                   count(*) FILTER (WHERE created_at >= $2 AND created_at < $3) AS shipped,
                   count(*) FILTER (WHERE state = 'SENT' AND sent_at >= $2 AND sent_at < $3)
                       AS sent,
                   count(*) FILTER (WHERE state = 'FAILED' AND last_attempt_at >= $2
                                    AND last_attempt_at < $3) AS failed
            FROM tracking_pushes WHERE seller_id = $1 GROUP BY 1, 2),
        mismatched AS (
            SELECT account_id, marketplace, kind, count(*) AS n,
                   count(*) FILTER (WHERE resolved_at IS NULL) AS open
            FROM mismatches
            WHERE seller_id = $1 AND detected_at >= $2 AND detected_at < $3 GROUP BY 1, 2, 3),
        accounts AS (
            SELECT account_id, marketplace FROM collected UNION
            SELECT account_id, marketplace FROM shipped
              WHERE shipped > 0 OR sent > 0 OR failed > 0 UNION
            SELECT account_id, marketplace FROM mismatched)
        SELECT a.account_id, a.marketplace,
               coalesce(c.n, 0) AS collected, coalesce(s.shipped, 0) AS shipped,
               coalesce(s.sent, 0) AS pushed_sent, coalesce(s.failed, 0) AS pushed_failed,
               coalesce((SELECT json_object_agg(m.kind, m.n)::text FROM mismatched m
                         WHERE m.account_id IS NOT DISTINCT FROM a.account_id
                           AND m.marketplace = a.marketplace), '{}') AS mismatched,
               coalesce((SELECT sum(m.open) FROM mismatched m
                         WHERE m.account_id IS NOT DISTINCT FROM a.account_id
                           AND m.marketplace = a.marketplace), 0)::int AS mismatched_open
        FROM accounts a
        LEFT JOIN collected c ON c.account_id IS NOT DISTINCT FROM a.account_id
                             AND c.marketplace = a.marketplace
        LEFT JOIN shipped s ON s.account_id IS NOT DISTINCT FROM a.account_id
                           AND s.marketplace = a.marketplace
        ORDER BY a.marketplace, a.account_id
        """,
        seller_id,
        start,
        end,
    )
    return [AccountDay.model_validate(_day_row(r)) for r in rows]


def _day_row(row: Any) -> dict[str, Any]:
    return {**dict(row), "mismatched": json.loads(row["mismatched"])}
