"""SQL for a bundle's orders as cancellations and shipments see them: loaded (row-locked) with
what each holds per SKU in one query, written back set-based, and bundles that are over settled.
Cancellation tombstones live here too (a cancel may overtake its bundle)."""

import json
import uuid
from collections.abc import Sequence

from packline_allocator.domain.order_stock import BundleOrder, BundleStatus, OrderStatus, settled
from packline_runtime import tombstones
from packline_runtime.db import Conn


class PgOrderRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn
        self._loaded: dict[str, tuple[OrderStatus, dict[str, int]]] = {}

    async def lock(self, order_uids: Sequence[str]) -> dict[str, BundleOrder]:
        """The orders and their bundles, row-locked in bundle order, with their reservations."""
        rows = await self._conn.fetch(
            """
            SELECT o.order_uid, o.bundle_id, o.status, b.status AS bundle_status, b.seller_id,
                   (SELECT jsonb_object_agg(r.sku, r.quantity) FROM reservations r
                    WHERE r.order_uid = o.order_uid)::text AS held
            FROM bundle_orders o JOIN bundles b USING (bundle_id)
            WHERE o.order_uid = ANY($1::text[])
            ORDER BY b.bundle_id, o.order_uid FOR UPDATE OF o, b
            """,
            list(order_uids),
        )
        found = {}
        for r in rows:
            held = {sku: int(q) for sku, q in json.loads(r["held"] or "{}").items()}
            order = BundleOrder(
                order_uid=r["order_uid"],
                bundle_id=r["bundle_id"],
                status=OrderStatus(r["status"]),
                bundle_status=BundleStatus(r["bundle_status"]),
                reserved=bool(held),
                seller_id=r["seller_id"],
                held=held,
            )
            self._loaded[order.order_uid] = (order.status, dict(held))
            found[order.order_uid] = order
        return found

    async def save(self, orders: Sequence[BundleOrder]) -> None:
        """Statuses that changed, and the reservations of orders that dropped theirs."""
        moved = [o for o in orders if self._loaded.get(o.order_uid, (None, {}))[0] != o.status]
        await self._conn.execute(
            """
            UPDATE bundle_orders o SET status = t.s
            FROM unnest($1::text[], $2::text[]) AS t(u, s) WHERE o.order_uid = t.u
            """,
            [o.order_uid for o in moved],
            [o.status.value for o in moved],
        )
        dropped = [
            o.order_uid
            for o in orders
            if not o.held and self._loaded.get(o.order_uid, (None, {}))[1]
        ]
        if dropped:
            await self._conn.execute(
                "DELETE FROM reservations WHERE order_uid = ANY($1::text[])", dropped
            )
        for o in orders:
            self._loaded[o.order_uid] = (o.status, dict(o.held))

    async def settle(self, bundle_ids: Sequence[uuid.UUID]) -> None:
        """Bundles whose orders are all finished get their end status (domain: `settled`)."""
        rows = await self._conn.fetch(
            """
            SELECT bundle_id, array_agg(status) AS statuses FROM bundle_orders
            WHERE bundle_id = ANY($1::uuid[]) GROUP BY bundle_id
            """,
            sorted(set(bundle_ids)),
        )
        ends = {
            r["bundle_id"]: end
            for r in rows
            if (end := settled(OrderStatus(s) for s in r["statuses"])) is not None
        }
        if ends:
            await self._conn.execute(
                """
                UPDATE bundles b SET status = t.s
                FROM unnest($1::uuid[], $2::text[]) AS t(id, s) WHERE b.bundle_id = t.id
                """,
                list(ends),
                [end.value for end in ends.values()],
            )

    async def record_cancelled(self, order_uids: Sequence[str]) -> None:
        await tombstones.record(self._conn, order_uids)

    async def cancelled_among(self, order_uids: Sequence[str]) -> set[str]:
        return await tombstones.cancelled_among(self._conn, order_uids)
