"""SQL for bundles as allocation waves see them: the waiting ones (all of a seller's, or those
needing given SKUs) with their live orders in one query, and what a wave allocated written
back set-based."""

import json
import uuid
from collections.abc import Collection, Mapping, Sequence

from packline_allocator.domain.allocation import Allocated
from packline_allocator.domain.bundle import Bundle, OrderNeeds
from packline_allocator.domain.order_stock import BundleStatus, OrderStatus
from packline_contracts import BundleFormed
from packline_runtime.db import Conn

_COLUMNS = """
    SELECT b.bundle_id, b.seller_id, b.paid_at, b.status, o.order_uid, o.status AS order_status,
           o.sku_lines::text AS sku_lines, o.marketplace, o.amount_krw, o.waiting_since,
           o.paid_at AS order_paid_at, b.split_from
    FROM bundles b JOIN bundle_orders o ON o.bundle_id = b.bundle_id AND o.status = 'LIVE'
    WHERE b.seller_id = $1 AND b.status = 'WAITING'
"""
_NEEDING = """
      AND b.bundle_id IN (SELECT unnest($3::uuid[])
                          UNION
                          SELECT n.bundle_id FROM bundle_orders n
                          WHERE n.status = 'LIVE' AND n.sku_lines ?| $2::text[])
"""
_ORDER = " ORDER BY b.paid_at, b.bundle_id, o.order_uid"


class PgBundleRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def waiting(
        self,
        seller_id: str,
        skus: Collection[str] | None,
        among: Collection[uuid.UUID] = (),
    ) -> list[Bundle]:
        if skus is None:
            rows = await self._conn.fetch(_COLUMNS + _ORDER, seller_id)
        else:
            query = _COLUMNS + _NEEDING + _ORDER
            rows = await self._conn.fetch(query, seller_id, sorted(skus), list(among))
        found: dict[uuid.UUID, Bundle] = {}
        for r in rows:
            bundle = found.get(r["bundle_id"])
            if bundle is None:
                bundle = found[r["bundle_id"]] = Bundle(
                    r["bundle_id"],
                    r["seller_id"],
                    r["paid_at"],
                    BundleStatus(r["status"]),
                    split_from=r["split_from"],
                )
            needs = {sku: int(q) for sku, q in json.loads(r["sku_lines"]).items()}
            bundle.orders.append(
                OrderNeeds(
                    r["order_uid"],
                    OrderStatus(r["order_status"]),
                    needs,
                    marketplace=r["marketplace"],
                    amount_krw=r["amount_krw"],
                    waiting_since=r["waiting_since"],
                    paid_at=r["order_paid_at"],
                )
            )
        return list(found.values())

    async def waiting_by_seller(
        self, bundle_ids: Collection[uuid.UUID]
    ) -> dict[str, set[uuid.UUID]]:
        rows = await self._conn.fetch(
            """
            SELECT seller_id, array_agg(bundle_id) AS ids FROM bundles
            WHERE bundle_id = ANY($1::uuid[]) AND status = 'WAITING' GROUP BY seller_id
            """,
            list(bundle_ids),
        )
        return {r["seller_id"]: set(r["ids"]) for r in rows}

    async def add_backorders(self, backorders: Sequence[tuple[Bundle, BundleFormed]]) -> None:
        if not backorders:
            return
        await self._conn.execute(
            """
            INSERT INTO bundles (bundle_id, seller_id, paid_at, event, split_from)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::jsonb[],
                                 $5::uuid[])
            """,
            [b.bundle_id for b, _ in backorders],
            [b.seller_id for b, _ in backorders],
            [b.paid_at for b, _ in backorders],
            [f.model_dump_json() for _, f in backorders],
            [b.split_from for b, _ in backorders],
        )
        moved = [(o.order_uid, b.bundle_id) for b, _ in backorders for o in b.orders]
        await self._conn.execute(
            """
            UPDATE bundle_orders o SET bundle_id = t.id
            FROM unnest($1::text[], $2::uuid[]) AS t(uid, id) WHERE o.order_uid = t.uid
            """,
            [uid for uid, _ in moved],
            [i for _, i in moved],
        )
        for b, _ in backorders:
            b.changed = False

    async def save_allocated(self, allocated: Sequence[Allocated]) -> None:
        bundles = [a.bundle for a in allocated if a.bundle.changed]
        if not bundles:
            return
        await self._conn.execute(
            """
            UPDATE bundles b SET status = t.status, allocated_at = t.at
            FROM unnest($1::uuid[], $2::text[], $3::timestamptz[]) AS t(id, status, at)
            WHERE b.bundle_id = t.id AND b.status = 'WAITING'
            """,
            [b.bundle_id for b in bundles],
            [b.status.value for b in bundles],
            [b.allocated_at for b in bundles],
        )
        orders = [(uid, a.bundle) for a in allocated for uid in a.reservations]
        await self._conn.execute(
            """
            UPDATE bundle_orders o SET allocated_at = t.at
            FROM unnest($1::text[], $2::timestamptz[]) AS t(uid, at) WHERE o.order_uid = t.uid
            """,
            [uid for uid, _ in orders],
            [bundle.allocated_at for _, bundle in orders],
        )
        held = [
            (uid, a.bundle.seller_id, sku, q)
            for a in allocated
            for uid, needs in a.reservations.items()
            for sku, q in sorted(needs.items())
        ]
        await self._conn.execute(
            """
            INSERT INTO reservations (order_uid, seller_id, sku, quantity)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
            """,
            *(list(column) for column in zip(*held, strict=True)),
        )
        for b in bundles:
            b.changed = False

    async def formed(self, bundle_ids: Collection[uuid.UUID]) -> Mapping[uuid.UUID, BundleFormed]:
        rows = await self._conn.fetch(
            "SELECT bundle_id, event::text AS event FROM bundles WHERE bundle_id = ANY($1::uuid[])",
            list(bundle_ids),
        )
        return {r["bundle_id"]: BundleFormed.model_validate_json(r["event"]) for r in rows}
