"""SQL for remembered address changes (배송지 변경) and the bundles of the orders they touch."""

from collections.abc import Sequence
from typing import Any

from packline_contracts import OrderMatched, OrderRecipientChanged
from packline_runtime.db import Conn


async def record(conn: Conn, changes: Sequence[OrderRecipientChanged]) -> None:
    """Keeps the latest change per order (a replayed older one does not win)."""
    latest = {c.order.uid: c for c in sorted(changes, key=lambda c: c.occurred_at)}
    await conn.execute(
        """
        INSERT INTO recipient_changes (order_uid, event, changed_at)
        SELECT * FROM unnest($1::text[], $2::jsonb[], $3::timestamptz[])
        ON CONFLICT (order_uid) DO UPDATE SET event = EXCLUDED.event,
            changed_at = EXCLUDED.changed_at
        WHERE recipient_changes.changed_at <= EXCLUDED.changed_at
        """,
        list(latest),
        [c.model_dump_json() for c in latest.values()],
        [c.occurred_at for c in latest.values()],
    )


async def latest_for(conn: Conn, uids: Sequence[str]) -> dict[str, OrderRecipientChanged]:
    rows = await conn.fetch(
        "SELECT order_uid, event FROM recipient_changes WHERE order_uid = ANY($1::text[])",
        list(uids),
    )
    return {r["order_uid"]: OrderRecipientChanged.model_validate_json(r["event"]) for r in rows}


async def memberships(conn: Conn, uids: Sequence[str]) -> list[dict[str, Any]]:
    """Each order's current membership with its stored OrderMatched, its bundle locked."""
    rows = await conn.fetch(
        """
        SELECT m.order_uid, m.event, m.withdrawn_at, m.cancelled, b.bundle_id, b.status,
               b.revision, b.seller_id
        FROM bundle_members m JOIN bundles b USING (bundle_id)
        WHERE m.order_uid = ANY($1::text[])
        ORDER BY b.bundle_id
        FOR UPDATE OF b
        """,
        list(uids),
    )
    return [{**dict(r), "event": OrderMatched.model_validate_json(r["event"])} for r in rows]
