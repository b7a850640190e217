"""The unmatched queue (미매칭): an order waits there naming the listings it needs a mapping
for, until a mapping completes it, it is cancelled, or it turns out allocated already. Its SKU
suggestions are computed in the background (service_layer/suggestions.py) for what is missing;
they stay while the order waits for the same listings and are asked for again when that
changes."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from packline_contracts import OrderCollected, OrderRecipientChanged
from packline_matcher.domain.matching import ListingKey
from packline_matcher.domain.suggestions import Suggestion


@dataclass
class HeldOrder:
    order: OrderCollected  # the OrderCollected that waits (as first held, with later 배송지 변경)
    missing: list[ListingKey]  # the listings without a mapping, sorted
    stored: bool = False  # in the queue already (False: new, to be inserted)
    asked_again: bool = False  # what is missing changed: its suggestions are out of date

    @property
    def uid(self) -> str:
        return self.order.order.uid

    @classmethod
    def new(cls, order: OrderCollected, missing: Sequence[ListingKey]) -> "HeldOrder":
        return cls(order, sorted(missing))

    def wait_for(self, missing: Sequence[ListingKey]) -> None:
        """Held again (a redelivery, a mapping that completed some of its lines): the same
        listings missing keep the suggestions; others ask for them again. The stored order
        stays as it is (it may carry a newer recipient than the one delivered again)."""
        now_missing = sorted(missing)
        if now_missing == self.missing:
            return
        self.missing = now_missing
        self.asked_again = self.stored


def hold(
    waiting: Iterable[tuple[OrderCollected, Sequence[ListingKey]]],
    queued: dict[str, HeldOrder],
) -> list[HeldOrder]:
    """The queue entries of orders that wait: those queued already (`queued`, by uid) are held
    again, the others are new. Returns the entries to write back (new or changed)."""
    changed: dict[str, HeldOrder] = {}
    for order, missing in waiting:
        entry = queued.get(order.order.uid)
        if entry is None:
            entry = queued[order.order.uid] = HeldOrder.new(order, missing)
        else:
            entry.wait_for(missing)
        if not entry.stored or entry.asked_again:
            changed[entry.uid] = entry
    return list(changed.values())


def latest_changes(changes: Sequence[OrderRecipientChanged]) -> list[OrderRecipientChanged]:
    """배송지 변경: the latest change per order wins (a batch is in partition order)."""
    return list({c.order.uid: c for c in changes}.values())


@dataclass(frozen=True)
class WaitingLine:
    """A line of a waiting order as the queue shows it and suggestions are computed for."""

    line_id: str
    listing_id: str
    option_id: str
    product_name: str
    option_name: str
    quantity: int


@dataclass(frozen=True)
class QueuedOrder:
    """One order of the unmatched queue as people page through it."""

    order_uid: str
    seller_id: str
    marketplace: str
    held_at: datetime
    missing: list[ListingKey]
    lines: list[WaitingLine]
    suggestions: dict[str, list[Suggestion]]  # line id → best first (computed beforehand)
    suggested_at: datetime | None  # None while (re)computing them

    def waits_for(self, line: WaitingLine) -> bool:
        return (line.listing_id, line.option_id) in self.missing

    def suggested(self, line: WaitingLine, most: int) -> list[Suggestion]:
        """Up to `most` suggestions for a line still without a mapping (none for the others)."""
        return self.suggestions.get(line.line_id, [])[:most] if self.waits_for(line) else []


@dataclass(frozen=True)
class ToSuggest:
    """A waiting order whose suggestions are missing or out of date."""

    order_uid: str
    seller_id: str
    asked_at: datetime  # the ask this answers; a newer ask discards the answer
    lines: list[WaitingLine]  # the unmapped ones
