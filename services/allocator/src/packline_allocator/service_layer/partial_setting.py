"""미할당주문나누기: reading and changing a seller's partial-shipment setting. A change takes the
seller's allocation lock, so a wave applies one whole setting; it applies from the next wave."""

from collections.abc import Mapping

from packline_allocator.domain.partial import PartialShipment
from packline_allocator.service_layer.ports import AllocationWork


async def setting_of(work: AllocationWork, seller_id: str) -> PartialShipment:
    return await work.partial.of(seller_id)


async def change(
    work: AllocationWork, seller_id: str, allowed: bool, marketplaces: Mapping[str, bool], by: str
) -> PartialShipment:
    await work.stock.lock_sellers([seller_id])
    setting = PartialShipment(seller_id, allowed, dict(marketplaces))
    await work.partial.save(setting, by)
    return setting
