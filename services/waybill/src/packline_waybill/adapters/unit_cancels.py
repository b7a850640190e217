"""SQL for partial cancellations decided at the shipping line: each claim's units once, and the
units cancelled per order line on every parcel holding the order."""

import json
import uuid
from collections.abc import Mapping, Sequence

from packline_runtime.db import Conn


async def lock_orders(conn: Conn, uids: Sequence[str]) -> None:
    """A decided claim and the parcel of its order, recorded in two transactions (two replicas),
    must each see the other's row: one lock per order, sorted, so batches never deadlock."""
    await conn.execute(
        """
        SELECT pg_advisory_xact_lock(hashtextextended('waybill-order:' || u, 0))
        FROM unnest($1::text[]) WITH ORDINALITY AS t(u, n) ORDER BY n
        """,
        sorted(set(uids)),
    )


async def record(
    conn: Conn, claims: Sequence[tuple[uuid.UUID, str, Mapping[str, int]]]
) -> list[str]:
    """(cancel id, order uid, units per line) of claims decided CANCELLED; the orders of those
    not recorded before."""
    rows = await conn.fetch(
        """
        INSERT INTO unit_cancels (cancel_id, order_uid, units)
        SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])
        ON CONFLICT (cancel_id) DO NOTHING RETURNING order_uid
        """,
        [c[0] for c in claims],
        [c[1] for c in claims],
        [json.dumps(dict(c[2])) for c in claims],
    )
    return sorted({r["order_uid"] for r in rows})


async def refresh_parcels(conn: Conn, uids: Sequence[str]) -> None:
    """Parcels holding these orders carry the units decided cancelled per order line (units only
    add up, so a parcel of orders with none is left as it is)."""
    await conn.execute(
        """
        UPDATE waybills w SET cancelled_units = COALESCE((
            SELECT jsonb_object_agg(per_order.order_uid, per_order.lines) FROM (
                SELECT per_line.order_uid, jsonb_object_agg(per_line.line_id, per_line.q) AS lines
                FROM (SELECT c.order_uid, kv.key AS line_id, sum(kv.value::int) AS q
                      FROM unit_cancels c, jsonb_each_text(c.units) AS kv
                      WHERE c.order_uid = ANY(w.order_uids)
                      GROUP BY c.order_uid, kv.key) per_line
                GROUP BY per_line.order_uid) per_order), '{}'::jsonb)
        WHERE w.order_uids && $1::text[]
          AND EXISTS (SELECT 1 FROM unit_cancels c WHERE c.order_uid = ANY(w.order_uids))
        """,
        sorted(set(uids)),
    )
