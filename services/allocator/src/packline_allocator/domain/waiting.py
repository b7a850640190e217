"""Why a bundle still waits for stock (할당 대기): per SKU what its live orders need against
what the seller's stock holds now, and the one reason the console shows."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class WaitReason(StrEnum):
    UNKNOWN_SKU = "UNKNOWN_SKU"  # a SKU it needs has no stock row: nobody ever stocked it
    SHORT = "SHORT"  # a SKU it needs has fewer units available than it needs
    NEXT_WAVE = "NEXT_WAVE"  # stock covers it now: the next wave (or earlier bundles) decide


@dataclass(frozen=True)
class SkuNeed:
    """One SKU of a bundle: units its live orders need, and the seller's stock of it now
    (on_hand None: the seller has no stock row for this SKU)."""

    sku: str
    needed: int
    on_hand: int | None
    allocated: int = 0
    safety: int = 0  # 안전재고 held back from allocation

    @property
    def known(self) -> bool:
        return self.on_hand is not None

    @property
    def available(self) -> int:
        """On hand, not reserved for allocated bundles and not held back as safety stock."""
        return max((self.on_hand or 0) - self.allocated - self.safety, 0)

    @property
    def short(self) -> int:
        return max(self.needed - self.available, 0)


def why_waiting(needs: Sequence[SkuNeed]) -> WaitReason:
    """An unknown SKU first (stocking it is the fix), then a short one; else stock would cover
    the bundle now and it waits for the next wave or for bundles paid before it."""
    if any(not n.known for n in needs):
        return WaitReason.UNKNOWN_SKU
    if any(n.short for n in needs):
        return WaitReason.SHORT
    return WaitReason.NEXT_WAVE
