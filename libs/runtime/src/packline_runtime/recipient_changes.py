"""Remembered address changes (배송지 변경): the latest OrderRecipientChanged per order."""

from collections.abc import Sequence

from packline_contracts import OrderRecipientChanged
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


async def changes_for(conn: Conn, uids: Sequence[str]) -> list[OrderRecipientChanged]:
    return list((await latest_for(conn, uids)).values())
