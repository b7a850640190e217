"""SQL for partial cancellations: each claim and its state, the units applied per order line
(also before their bundle arrived), and shrinking an order's demand and reservation by exactly
the units cancelled."""

import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from packline_allocator.domain.partial_cancel import ClaimState, PartialClaim
from packline_contracts import BundleFormed
from packline_runtime.db import Conn


async def lock_claims(conn: Conn, cancel_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, PartialClaim]:
    rows = await conn.fetch(
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


async def save_claims(conn: Conn, claims: Sequence[PartialClaim]) -> None:
    await conn.execute(
        """
        INSERT INTO partial_cancel_claims (cancel_id, order_uid, units, state)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[], $4::text[])
        ON CONFLICT (cancel_id) DO UPDATE SET state = EXCLUDED.state, updated_at = now()
        """,
        [c.cancel_id for c in claims],
        [c.order_uid for c in claims],
        [json.dumps(c.units) for c in claims],
        [str(c.state) for c in claims],
    )


async def add_cancelled_units(conn: Conn, units: Sequence[tuple[str, str, int]]) -> None:
    """(order uid, line id, units) cancelled by one claim each: they add up per line."""
    await conn.executemany(
        """
        INSERT INTO cancelled_units (order_uid, line_id, quantity) VALUES ($1, $2, $3)
        ON CONFLICT (order_uid, line_id)
        DO UPDATE SET quantity = cancelled_units.quantity + EXCLUDED.quantity
        """,
        list(units),
    )


@dataclass
class PartlyCancelled:
    """A live order with cancelled units: its lines as formed, what it needs and holds now."""

    order_uid: str
    bundle_id: uuid.UUID
    seller_id: str
    lines: list[tuple[str, int, dict[str, int]]]
    cancelled: dict[str, int]
    needs: dict[str, int]
    reserved: dict[str, int]


async def lock_partly_cancelled(conn: Conn, order_uids: Sequence[str]) -> list[PartlyCancelled]:
    rows = await conn.fetch(
        """
        SELECT o.order_uid, o.bundle_id, b.seller_id, b.event::text AS event, o.sku_lines::text AS sku_lines,
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


async def shrink_order(
    conn: Conn, order: PartlyCancelled, needs: Mapping[str, int], freed: Mapping[str, int]
) -> None:
    """The order now needs `needs`; the `freed` units it held are reserved no more."""
    await conn.execute(
        "UPDATE bundle_orders SET sku_lines = $2::jsonb WHERE order_uid = $1",
        order.order_uid,
        json.dumps(dict(needs)),
    )
    if not freed:
        return
    skus, quantities = list(freed), list(freed.values())
    await conn.execute(
        """
        UPDATE reservations r SET quantity = r.quantity - t.q
        FROM unnest($2::text[], $3::int[]) AS t(s, q)
        WHERE r.order_uid = $1 AND r.sku = t.s AND r.quantity > t.q
        """,
        order.order_uid,
        skus,
        quantities,
    )
    await conn.execute(
        """
        DELETE FROM reservations r USING unnest($2::text[], $3::int[]) AS t(s, q)
        WHERE r.order_uid = $1 AND r.sku = t.s AND r.quantity <= t.q
        """,
        order.order_uid,
        skus,
        quantities,
    )
    await conn.execute(
        """
        UPDATE stock s SET allocated = s.allocated - t.q, updated_at = now()
        FROM unnest($2::text[], $3::int[]) AS t(k, q)
        WHERE s.seller_id = $1 AND s.sku = t.k
        """,
        order.seller_id,
        skus,
        quantities,
    )
