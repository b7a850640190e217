"""SQL for partial cancellations: each claim and its state, the units applied per order line
(also before their bundle arrived), and the partly cancelled orders, written back set-based."""

import json
import uuid
from collections.abc import Sequence

from packline_allocator.domain.partial_cancel import ClaimState, PartialClaim, PartlyCancelled
from packline_contracts import BundleFormed
from packline_runtime.db import Conn


class PgClaimRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def lock(self, cancel_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PartialClaim]:
        rows = await self._conn.fetch(
            """
            SELECT cancel_id, order_uid, units::text AS units, state FROM partial_cancel_claims
            WHERE cancel_id = ANY($1::uuid[]) ORDER BY cancel_id FOR UPDATE
            """,
            sorted(set(cancel_ids)),
        )
        return {
            r["cancel_id"]: PartialClaim(
                r["cancel_id"], r["order_uid"], json.loads(r["units"]), ClaimState(r["state"])
            )
            for r in rows
        }

    async def save(self, claims: Sequence[PartialClaim]) -> None:
        """The claims that changed, and the units of those now applied, added per line."""
        changed = [c for c in claims if c.changed]
        await self._conn.execute(
            """
            INSERT INTO partial_cancel_claims (cancel_id, order_uid, units, state)
            SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[])
            ON CONFLICT (cancel_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
            """,
            [c.cancel_id for c in changed],
            [c.order_uid for c in changed],
            [json.dumps(c.units) for c in changed],
            [str(c.state) for c in changed],
        )
        for c in changed:
            c.changed = False

    async def add_cancelled_units(self, claims: Sequence[PartialClaim]) -> None:
        """The units of claims applied now: they add up per order line (a line may appear in
        several claims of one batch, so they are summed first)."""
        total: dict[tuple[str, str], int] = {}
        for c in claims:
            for line, q in c.units.items():
                total[(c.order_uid, line)] = total.get((c.order_uid, line), 0) + q
        keys = sorted(total)
        await self._conn.execute(
            """
            INSERT INTO cancelled_units (order_uid, line_id, quantity)
            SELECT * FROM unnest($1::text[], $2::text[], $3::int[])
            ON CONFLICT (order_uid, line_id)
            DO UPDATE SET quantity = cancelled_units.quantity + EXCLUDED.quantity
            """,
            [uid for uid, _ in keys],
            [line for _, line in keys],
            [total[k] for k in keys],
        )

    async def partly_cancelled(self, order_uids: Sequence[str]) -> list[PartlyCancelled]:
        """Live orders with cancelled units, row-locked, with their lines as formed."""
        rows = await self._conn.fetch(
            """
            SELECT o.order_uid, o.bundle_id, b.seller_id, b.event::text AS event,
                   o.sku_lines::text AS sku_lines,
                   (SELECT jsonb_object_agg(c.line_id, c.quantity) FROM cancelled_units c
                    WHERE c.order_uid = o.order_uid)::text AS cancelled,
                   (SELECT jsonb_object_agg(r.sku, r.quantity) FROM reservations r
                    WHERE r.order_uid = o.order_uid)::text AS reserved
            FROM bundle_orders o JOIN bundles b USING (bundle_id)
            WHERE o.order_uid = ANY($1::text[]) AND o.status = 'LIVE'
              AND EXISTS (SELECT 1 FROM cancelled_units c WHERE c.order_uid = o.order_uid)
            ORDER BY b.bundle_id, o.order_uid FOR UPDATE OF o, b
            """,
            list(order_uids),
        )
        found = []
        for r in rows:
            formed = BundleFormed.model_validate_json(r["event"])
            member = next((m for m in formed.members if m.order.uid == r["order_uid"]), None)
            if member is None:
                continue
            units = {li.line_id: li.quantity for li in member.lines}
            lines = [
                (ml.line_id, units.get(ml.line_id, 1), {s.sku: s.quantity for s in ml.skus})
                for ml in member.matched_lines
            ]
            found.append(
                PartlyCancelled(
                    order_uid=r["order_uid"],
                    bundle_id=r["bundle_id"],
                    seller_id=r["seller_id"],
                    lines=lines,
                    cancelled=json.loads(r["cancelled"] or "{}"),
                    needs=json.loads(r["sku_lines"]),
                    reserved=json.loads(r["reserved"] or "{}"),
                )
            )
        return found

    async def save_shrunk(self, orders: Sequence[PartlyCancelled]) -> None:
        """Orders that now need less: their needs, and their reservations as they hold now."""
        shrunk = [o for o in orders if o.changed]
        if not shrunk:
            return
        uids = [o.order_uid for o in shrunk]
        await self._conn.execute(
            """
            UPDATE bundle_orders o SET sku_lines = t.needs
            FROM unnest($1::text[], $2::jsonb[]) AS t(uid, needs) WHERE o.order_uid = t.uid
            """,
            uids,
            [json.dumps(o.needs) for o in shrunk],
        )
        await self._conn.execute("DELETE FROM reservations WHERE order_uid = ANY($1::text[])", uids)
        held = [(o.order_uid, o.seller_id, s, q) for o in shrunk for s, q in o.reserved.items()]
        await self._conn.execute(
            """
            INSERT INTO reservations (order_uid, seller_id, sku, quantity)
            SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[])
            """,
            [h[0] for h in held],
            [h[1] for h in held],
            [h[2] for h in held],
            [h[3] for h in held],
        )
        for o in shrunk:
            o.changed = False
