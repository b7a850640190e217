"""SQL for 배송지 변경 (a buyer's new address): the stored OrderCollected of an order the
matcher still holds, or may match again after a deleted mapping, takes the new recipient."""

from collections.abc import Sequence

from packline_contracts import OrderRecipientChanged
from packline_runtime.db import Conn


async def apply(conn: Conn, changes: Sequence[OrderRecipientChanged]) -> None:
    """Set-based: the latest change per order wins (the batch is in partition order)."""
    latest = {c.order.uid: c for c in changes}
    uids = list(latest)
    keys = [c.new_recipient_key for c in latest.values()]
    recipients = [c.recipient.model_dump_json() for c in latest.values()]
    for table in ("held_orders", "matched_orders"):
        await conn.execute(
            f"""
            UPDATE {table} t
            SET event = jsonb_set(jsonb_set(t.event, '{{recipient}}', c.recipient),
                                  '{{recipient_key}}', to_jsonb(c.recipient_key))
            FROM unnest($1::text[], $2::text[], $3::jsonb[]) AS c(uid, recipient_key, recipient)
            WHERE t.order_uid = c.uid AND t.event IS NOT NULL
            """,
            uids,
            keys,
            recipients,
        )
