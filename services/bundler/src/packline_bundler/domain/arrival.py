"""An OrderMatched about to join a bundle, as the batch path decides about it."""

from dataclasses import dataclass

from packline_contracts import OrderMatched

Hashes = tuple[str, str, str, str]  # name, address, phone, mobile digests ("" when empty)


@dataclass(frozen=True)
class Arrival:
    """An OrderMatched about to join a bundle: its exact recipient (bundle key), the digests of
    its fields (for review look-ups) and whether the seller's exclusions keep it alone."""

    order: OrderMatched
    key: str
    hashes: Hashes
    solo: bool

    @property
    def uid(self) -> str:
        return self.order.order.uid

    @property
    def seller_id(self) -> str:
        return self.order.seller_id

    def group(self, groups: dict[tuple[str, str], str]) -> str:
        """The bundle key it gathers under: its own when solo, else its merge group."""
        if self.solo:
            return f"solo:{self.uid}"
        return groups.get((self.seller_id, self.key), self.key)
