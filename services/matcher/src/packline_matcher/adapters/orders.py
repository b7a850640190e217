"""SQL for what the matcher hears of orders besides their collection: cancellation tombstones
(a cancel may overtake its order) and 배송지 변경 (a buyer's new address), which the stored
OrderCollected of an order still held, or matched and perhaps matched again after a deleted
mapping, takes."""

from collections.abc import Sequence

from packline_contracts import OrderRecipientChanged
from packline_runtime import tombstones
from packline_runtime.db import Conn


class PgOrderRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def record_cancelled(self, uids: Sequence[str]) -> None:
        await tombstones.record(self._conn, uids)

    async def cancelled_among(self, uids: Sequence[str]) -> set[str]:
        if not uids:
            return set()
        return await tombstones.cancelled_among(self._conn, uids)

    async def readdress(self, changes: Sequence[OrderRecipientChanged]) -> None:
        uids = [c.order.uid for c in changes]
        keys = [c.new_recipient_key for c in changes]
        recipients = [c.recipient.model_dump_json() for c in changes]
        for table in ("held_orders", "matched_orders"):
            await self._conn.execute(
                f"""
                UPDATE {table} t
                SET event = jsonb_set(jsonb_set(t.event, '{{recipient}}', c.recipient),
                                      '{{recipient_key}}', to_jsonb(c.recipient_key))
                FROM unnest($1::text[], $2::text[], $3::jsonb[])
                     AS c(uid, recipient_key, recipient)
                WHERE t.order_uid = c.uid AND t.event IS NOT NULL
                """,
                uids,
                keys,
                recipients,
            )
