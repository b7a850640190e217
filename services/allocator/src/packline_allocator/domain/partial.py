"""미할당주문나누기 (partial shipment): whether a seller lets a bundle whose stock is short ship
the orders that fit and send the rest later, per marketplace where it says so. Off unless the
seller turns it on. The split is always between orders, never inside one (a Coupang
shipmentBoxId cannot ship in part; a Naver productOrder is one order here)."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PartialShipment:
    seller_id: str
    allowed: bool = False
    marketplaces: Mapping[str, bool] = field(default_factory=dict)  # overrides `allowed`

    def allows(self, marketplaces: Iterable[str]) -> bool:
        """Every marketplace of the bundle's orders takes a partial shipment (none: no)."""
        found = list(marketplaces)
        return bool(found) and all(self.marketplaces.get(m, self.allowed) for m in found)


def not_allowed(seller_id: str) -> PartialShipment:
    """Today's behaviour: bundles allocate whole or wait."""
    return PartialShipment(seller_id)
