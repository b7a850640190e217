"""SQL for a seller's partial-shipment setting (미할당주문나누기)."""

import json

from packline_allocator.domain.partial import PartialShipment, not_allowed
from packline_runtime.db import Conn


class PgPartialRepository:
    def __init__(self, conn: Conn) -> None:
        self._conn = conn

    async def of(self, seller_id: str) -> PartialShipment:
        row = await self._conn.fetchrow(
            "SELECT allowed, marketplaces::text AS m FROM partial_shipment WHERE seller_id = $1",
            seller_id,
        )
        if row is None:
            return not_allowed(seller_id)
        return PartialShipment(seller_id, row["allowed"], json.loads(row["m"]))

    async def save(self, setting: PartialShipment, by: str) -> None:
        await self._conn.execute(
            """
            INSERT INTO partial_shipment (seller_id, allowed, marketplaces, updated_by)
            VALUES ($1, $2, $3::jsonb, $4)
            ON CONFLICT (seller_id) DO UPDATE
            SET allowed = $2, marketplaces = $3::jsonb, updated_by = $4, updated_at = now()
            """,
            setting.seller_id,
            setting.allowed,
            json.dumps(dict(setting.marketplaces)),
            by,
        )
