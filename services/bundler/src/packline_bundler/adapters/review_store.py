"""The review look-ups of a batch over PostgreSQL, one query each: merge groups, candidates
sharing a field digest, remembered pair decisions; new reviews written set-based. And the
Review aggregates a change or a person's decision loads and saves."""

import json
import uuid
from collections.abc import Collection, Sequence
from typing import Any

from packline_bundler.adapters import reviews as sql
from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.arrivals import Groups
from packline_bundler.domain.review import (
    Candidate,
    PairDecision,
    Review,
    ReviewStatus,
    ReviewToOpen,
)
from packline_contracts import OrderMatched
from packline_runtime.db import Conn

_REVIEW = "review_id, seller_id, key_a, key_b, bundle_a, bundle_b, order_a, order_b, status"


def _review(r: Any) -> Review:
    return Review(
        r["review_id"],
        r["seller_id"],
        (r["key_a"], r["key_b"]),
        (r["bundle_a"], r["bundle_b"]),
        (r["order_a"], r["order_b"]),
        ReviewStatus(r["status"]),
        r["decided_at"],
    )


class PgReviewRepository:
    def __init__(self, conn: Conn) -> None:
        self.conn = conn

    async def groups(self, keys: Collection[tuple[str, str]]) -> Groups:
        if not keys:
            return {}
        rows = await self.conn.fetch(
            """
            SELECT seller_id, bundle_key, group_key FROM merge_groups
            WHERE (seller_id, bundle_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))
            """,
            [s for s, _ in keys],
            [k for _, k in keys],
        )
        return {(r["seller_id"], r["bundle_key"]): r["group_key"] for r in rows}

    async def candidates(self, batch: Sequence[Arrival]) -> list[Candidate]:
        if not batch:
            return []
        phones = sorted({h for a in batch for h in a.hashes[2:] if h})
        rows = await self.conn.fetch(
            """
            SELECT m.bundle_id, b.bundle_key AS group_key, m.recipient_bundle_key, m.event,
                   m.name_h, m.address_h, m.phone_h, m.mobile_h
            FROM bundle_members m JOIN bundles b USING (bundle_id)
            WHERE b.seller_id = ANY($1::text[]) AND b.status = 'OPEN'
              AND b.bundle_key NOT LIKE 'solo:%' AND m.withdrawn_at IS NULL AND NOT m.cancelled
              AND (m.name_h = ANY($2::text[]) OR m.address_h = ANY($3::text[])
                   OR m.phone_h = ANY($4::text[]) OR m.mobile_h = ANY($4::text[]))
            """,
            sorted({a.seller_id for a in batch}),
            sorted({a.hashes[0] for a in batch}),
            sorted({a.hashes[1] for a in batch}),
            phones,
        )
        return [
            Candidate(
                r["bundle_id"],
                r["group_key"],
                r["recipient_bundle_key"],
                OrderMatched.model_validate_json(r["event"]),
                (r["name_h"], r["address_h"], r["phone_h"], r["mobile_h"]),
            )
            for r in rows
        ]

    async def decided(self, pairs: Collection[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        if not pairs:
            return set()
        rows = await self.conn.fetch(
            """
            SELECT seller_id, key_a, key_b FROM pair_decisions
            WHERE (seller_id, key_a, key_b) IN (
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
            """,
            *([p[i] for p in pairs] for i in range(3)),
        )
        return {(r["seller_id"], r["key_a"], r["key_b"]) for r in rows}

    async def open(self, reviews: Sequence[ReviewToOpen]) -> None:
        if not reviews:
            return
        await self.conn.execute(
            """
            INSERT INTO reviews (seller_id, key_a, key_b, bundle_a, bundle_b, order_a, order_b,
                                 fields)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::uuid[],
                                 $6::text[], $7::text[], $8::jsonb[])
            ON CONFLICT (seller_id, key_a, key_b) WHERE status = 'PENDING' DO NOTHING
            """,
            [r.seller_id for r in reviews],
            [r.pair[0] for r in reviews],
            [r.pair[1] for r in reviews],
            [r.bundles[0] for r in reviews],
            [r.bundles[1] for r in reviews],
            [r.orders[0] for r in reviews],
            [r.orders[1] for r in reviews],
            [json.dumps(r.fields, ensure_ascii=False) for r in reviews],
        )

    async def pending_for_orders(self, uids: Sequence[str]) -> list[Review]:
        if not uids:
            return []
        rows = await self.conn.fetch(
            f"""
            SELECT {_REVIEW}, decided_at FROM reviews
            WHERE status = 'PENDING' AND (order_a = ANY($1::text[]) OR order_b = ANY($1::text[]))
            ORDER BY review_id
            FOR UPDATE
            """,
            list(uids),
        )
        return [_review(r) for r in rows]

    async def is_sellers(self, seller_id: str, review_id: int) -> bool:
        return await sql.is_sellers(self.conn, seller_id, review_id)

    async def lock(self, review_id: int) -> Review | None:
        row = await self.conn.fetchrow(
            f"SELECT {_REVIEW}, decided_at FROM reviews WHERE review_id = $1 FOR UPDATE",
            review_id,
        )
        return _review(row) if row else None

    async def save(self, reviews: Sequence[Review]) -> None:
        if not reviews:
            return
        await self.conn.execute(
            """
            UPDATE reviews r SET status = u.status, decided_at = u.decided_at
            FROM unnest($1::bigint[], $2::text[], $3::timestamptz[])
                AS u(review_id, status, decided_at)
            WHERE r.review_id = u.review_id
            """,
            [r.review_id for r in reviews],
            [r.status.value for r in reviews],
            [r.decided_at for r in reviews],
        )

    async def remember(
        self,
        seller_id: str,
        pair: tuple[str, str],
        decision: PairDecision,
        by: str,
        reason: str,
    ) -> None:
        await sql.decide(self.conn, seller_id, pair, decision.value, by, reason)

    async def join_groups(self, seller_id: str, a: str, b: str) -> str:
        return await sql.join_groups(self.conn, seller_id, a, b)

    async def repoint(self, old: uuid.UUID, new: uuid.UUID) -> None:
        await sql.repoint(self.conn, old, new)
