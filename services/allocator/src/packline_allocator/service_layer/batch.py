"""A batch of the allocator's events, sorted by what they ask of it (through a table: event
type → handler), and what handling them changed: the SKUs whose availability moved, per
seller, and the bundles whose demand or orders moved (the next wave looks only at those)."""

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from packline_contracts import BundleFormed, CancellationDecided, Event, OrderCancelled, Shipped


@dataclass
class Batch:
    partial: list[OrderCancelled | CancellationDecided] = field(default_factory=list)
    cancels: list[str] = field(default_factory=list)
    took_effect: list[str] = field(default_factory=list)
    formed: list[BundleFormed] = field(default_factory=list)
    shipped: list[Shipped] = field(default_factory=list)
    skus: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    bundles: set[uuid.UUID] = field(default_factory=set)

    @classmethod
    def of(cls, events: Sequence[Event]) -> "Batch":
        batch = cls()
        for event in events:
            HANDLERS[type(event)](batch, event)
        return batch

    def freed(self, seller_id: str, skus: Iterable[str]) -> None:
        """Availability of these SKUs moved (released, received, set)."""
        self.skus[seller_id].update(skus)


def _cancelled(batch: Batch, event: Event) -> None:
    assert isinstance(event, OrderCancelled)
    if event.lines:
        batch.partial.append(event)
    if not event.is_partial:
        batch.cancels.append(event.order.uid)


def _decided(batch: Batch, event: Event) -> None:
    assert isinstance(event, CancellationDecided)
    if event.lines:
        batch.partial.append(event)
    if event.outcome == "CANCELLED" and not event.is_partial:
        batch.took_effect.append(event.order.uid)


def _formed(batch: Batch, event: Event) -> None:
    assert isinstance(event, BundleFormed)
    batch.formed.append(event)


def _shipped(batch: Batch, event: Event) -> None:
    assert isinstance(event, Shipped)
    batch.shipped.append(event)


HANDLERS: Mapping[type[Event], Callable[[Batch, Event], None]] = {
    OrderCancelled: _cancelled,
    CancellationDecided: _decided,
    BundleFormed: _formed,
    Shipped: _shipped,
}
