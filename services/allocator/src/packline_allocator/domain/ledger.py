"""A SKU's stock ledger (재고): units on hand and units reserved for allocated bundles, with
guarded steps. Available = on hand − reserved; neither side ever goes negative and on hand never
drops below what is reserved (the database's stock_never_oversold check is the last guard)."""

from dataclasses import dataclass


class StockRefused(ValueError):
    """A stock step the ledger refuses; the message says which SKU and why."""


class StockBelowReserved(StockRefused):
    """On hand would drop below the units reserved for allocated bundles."""


@dataclass
class StockLedger:
    seller_id: str
    sku: str
    on_hand: int = 0
    reserved: int = 0
    stored: bool = True  # False: a SKU nobody stocked yet (its row is written on save)
    changed: bool = False

    @classmethod
    def new(cls, seller_id: str, sku: str) -> "StockLedger":
        return cls(seller_id, sku, stored=False)

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def set_on_hand(self, quantity: int) -> None:
        """입고 / 재고 수정: the counted quantity; never below what is reserved."""
        if quantity < self.reserved:
            raise StockBelowReserved(f"{self.sku}: {quantity} < {self.reserved} reserved")
        self._to(quantity, self.reserved)

    def receive(self, quantity: int) -> None:
        """입고: units arrive."""
        self._positive(quantity)
        self._to(self.on_hand + quantity, self.reserved)

    def fits(self, quantity: int) -> bool:
        return 0 <= quantity <= self.available

    def reserve(self, quantity: int) -> None:
        """할당: units held for an allocated bundle; only what is available."""
        self._positive(quantity)
        if not self.fits(quantity):
            raise StockRefused(f"{self.sku}: cannot reserve {quantity}, {self.available} available")
        self._to(self.on_hand, self.reserved + quantity)

    def release(self, quantity: int) -> None:
        """A reservation dropped (cancel took effect, units cancelled): available again."""
        self._positive(quantity)
        self._to(self.on_hand, self.reserved - quantity)

    def ship(self, quantity: int) -> None:
        """Reserved units leave the building: off both on hand and reserved."""
        self._positive(quantity)
        self._to(self.on_hand - quantity, self.reserved - quantity)

    def take_out(self, quantity: int) -> None:
        """출고 of units not (or no longer) reserved: off on hand only."""
        self._positive(quantity)
        self._to(self.on_hand - quantity, self.reserved)

    def _positive(self, quantity: int) -> None:
        if quantity < 0:
            raise StockRefused(f"{self.sku}: a negative quantity ({quantity})")

    def _to(self, on_hand: int, reserved: int) -> None:
        if reserved < 0:
            raise StockRefused(f"{self.sku}: reserved would be {reserved}")
        if on_hand < reserved:
            raise StockBelowReserved(f"{self.sku}: {on_hand} < {reserved} reserved")
        if (on_hand, reserved) != (self.on_hand, self.reserved):
            self.on_hand, self.reserved, self.changed = on_hand, reserved, True
