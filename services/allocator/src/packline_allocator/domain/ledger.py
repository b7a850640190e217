"""A SKU's stock ledger (재고): units on hand, units reserved for allocated bundles and the
safety stock (안전재고) held back from allocation, with guarded steps. Available = on hand −
reserved − safety (never below 0); neither on hand nor reserved ever goes negative and on hand
never drops below what is reserved (the database's stock_never_oversold check is the last
guard). Safety only holds units back from waves: a count or a shipment may eat into it."""

from dataclasses import dataclass

MAX_ON_HAND = 100_000_000  # the column is an integer; no warehouse holds more of one SKU


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
    safety: int = 0  # 안전재고: held back from allocation until a person releases it
    stored: bool = True  # False: a SKU nobody stocked yet (its row is written on save)
    changed: bool = False

    @classmethod
    def new(cls, seller_id: str, sku: str) -> "StockLedger":
        return cls(seller_id, sku, stored=False)

    @property
    def available(self) -> int:
        """What a wave may still give out: on hand, less what is reserved and the safety."""
        return max(self.on_hand - self.reserved - self.safety, 0)

    def set_on_hand(self, quantity: int) -> None:
        """입고 / 재고 수정: the counted quantity; never below what is reserved."""
        if quantity < self.reserved:
            raise StockBelowReserved(f"{self.sku}: {quantity} < {self.reserved} reserved")
        self._to(quantity, self.reserved)

    def count(self, level: int) -> int:
        """실사 (stocktake): the counted level becomes on hand; never negative, never below what
        is reserved. Returns the change."""
        if level < 0:
            raise StockRefused(f"{self.sku}: a count of {level} units")
        return self._move(level)

    def adjust(self, delta: int) -> int:
        """입고 / 조정 / 반품 재입고: a signed change of on hand; refused when on hand would turn
        negative or drop below what is reserved. Returns the change."""
        if self.on_hand + delta < 0:
            raise StockRefused(f"{self.sku}: {self.on_hand} on hand {delta:+} would be negative")
        return self._move(self.on_hand + delta)

    def set_safety(self, level: int) -> int:
        """안전재고: units held back from allocation (0 ≤ level ≤ MAX_ON_HAND). It never touches
        what is reserved already. Returns the change."""
        if not 0 <= level <= MAX_ON_HAND:
            raise StockRefused(f"{self.sku}: safety stock {level} is not within 0-{MAX_ON_HAND:,}")
        before, self.safety = self.safety, level
        self.changed = self.changed or level != before
        return level - before

    def release_safety(self) -> int:
        """A person releases the safety stock to the marketplaces: it becomes 0."""
        return self.set_safety(0)

    def _move(self, on_hand: int) -> int:
        if on_hand > MAX_ON_HAND:
            raise StockRefused(f"{self.sku}: {on_hand:,} on hand is over {MAX_ON_HAND:,}")
        before = self.on_hand
        self.set_on_hand(on_hand)
        return on_hand - before

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
