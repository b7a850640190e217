"""SQL for taking bundles in: new ones stored with their orders, revisions (same bundle_id,
higher revision: members left before allocation) and orders that moved to a newer bundle (unmerge, matched again). Only WAITING bundles
change: they hold no reservation, so nothing is released twice; allocation wins a race."""

import json
import uuid
from collections.abc import Collection, Sequence

from packline_allocator.domain.allocation import order_demand
from packline_allocator.domain.order_stock import BundleStatus, OrderStatus
from packline_contracts import BundleFormed
from packline_runtime.db import Conn


class PgIntakeRepository:
    """Bundles arriving (BundleFormed): stored, revised, their members adopted."""

    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def insert(self, bundles: Sequence[BundleFormed], cancelled: Collection[str]) -> None:
        """New bundles and their orders (orders already heard cancelled are stored so), each with
        its marketplace and amount (the rule criteria weigh them); it waits from now."""
        fresh = await self._conn.fetch(
            """
            INSERT INTO bundles (bundle_id, seller_id, paid_at, event)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::jsonb[])
            ON CONFLICT (bundle_id) DO NOTHING RETURNING bundle_id
            """,
            [b.bundle_id for b in bundles],
            [b.seller_id for b in bundles],
            [b.paid_at for b in bundles],
            [b.model_dump_json() for b in bundles],
        )
        new_ids = {r["bundle_id"] for r in fresh}

        def status(uid: str) -> str:
            return (OrderStatus.CANCELLED if uid in cancelled else OrderStatus.LIVE).value

        rows = [
            (
                m.order.uid,
                b.bundle_id,
                json.dumps(order_demand(m)),
                status(m.order.uid),
                m.order.marketplace.value,
                m.amount_krw,
                m.paid_at,
            )
            for b in bundles
            if b.bundle_id in new_ids
            for m in b.members
        ]
        if not rows:
            return
        await self._conn.execute(
            """
            INSERT INTO bundle_orders (order_uid, bundle_id, sku_lines, status, marketplace,
                                       amount_krw, paid_at)
            SELECT * FROM unnest($1::text[], $2::uuid[], $3::jsonb[], $4::text[], $5::text[],
                                 $6::bigint[], $7::timestamptz[])
            ON CONFLICT (order_uid) DO NOTHING
            """,
            *(list(column) for column in zip(*rows, strict=True)),
        )

    async def stored_revisions(
        self, ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[BundleStatus, int]]:
        rows = await self._conn.fetch(
            """
            SELECT bundle_id, status, coalesce((event->>'revision')::int, 1) AS revision
            FROM bundles WHERE bundle_id = ANY($1::uuid[]) ORDER BY bundle_id FOR UPDATE
            """,
            list(ids),
        )
        return {r["bundle_id"]: (BundleStatus(r["status"]), r["revision"]) for r in rows}

    async def apply_revision(self, bundle: BundleFormed) -> None:
        """The stored bundle becomes the revision; live orders no longer in it leave (their rows go,
        so a later bundle may take them)."""
        await self._conn.execute(
            "UPDATE bundles SET event = $2::jsonb, paid_at = $3 WHERE bundle_id = $1",
            bundle.bundle_id,
            bundle.model_dump_json(),
            bundle.paid_at,
        )
        await self._conn.execute(
            """
            DELETE FROM bundle_orders
            WHERE bundle_id = $1 AND status = 'LIVE' AND NOT (order_uid = ANY($2::text[]))
            """,
            bundle.bundle_id,
            [m.order.uid for m in bundle.members],
        )

    async def adopt(self, bundles: Sequence[BundleFormed]) -> list[uuid.UUID]:
        """Members still LIVE in an older WAITING bundle move to the newer one (its revision
        saying they left may come later: topics keyed by bundle do not keep that order). An
        order in several of these bundles goes to the newest. Returns the bundles left."""
        newest: dict[str, tuple[BundleFormed, str]] = {}
        for b in bundles:
            for m in b.members:
                seen = newest.get(m.order.uid)
                if seen is None or b.occurred_at > seen[0].occurred_at:
                    newest[m.order.uid] = (b, json.dumps(order_demand(m)))
        uids = sorted(newest)
        rows = await self._conn.fetch(
            """
            WITH n AS (
                SELECT * FROM unnest($1::text[], $2::uuid[], $3::timestamptz[], $4::jsonb[])
                AS n(order_uid, bundle_id, occurred_at, sku_lines)
            ), moved AS (
                SELECT o.order_uid, o.bundle_id AS old
                FROM bundle_orders o JOIN bundles b USING (bundle_id) JOIN n USING (order_uid)
                WHERE o.bundle_id <> n.bundle_id AND o.status = 'LIVE'
                  AND b.status = 'WAITING' AND (b.event->>'occurred_at')::timestamptz < n.occurred_at
                ORDER BY o.order_uid
                FOR UPDATE OF o
            )
            UPDATE bundle_orders o SET bundle_id = n.bundle_id, sku_lines = n.sku_lines
            FROM moved m JOIN n USING (order_uid)
            WHERE o.order_uid = m.order_uid
            RETURNING m.old
            """,
            uids,
            [newest[u][0].bundle_id for u in uids],
            [newest[u][0].occurred_at for u in uids],
            [newest[u][1] for u in uids],
        )
        return sorted({r["old"] for r in rows})

    async def settle_empty(self, ids: Sequence[uuid.UUID]) -> None:
        """A waiting bundle whose every order left (moved, revised away) is over."""
        await self._conn.execute(
            """
            UPDATE bundles b SET status = 'CANCELLED'
            WHERE b.bundle_id = ANY($1::uuid[]) AND b.status = 'WAITING'
              AND NOT EXISTS (SELECT 1 FROM bundle_orders o
                              WHERE o.bundle_id = b.bundle_id AND o.status = 'LIVE')
            """,
            list(ids),
        )
