"""What a marketplace says about one shipping unit, read into our terms, and what went wrong."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from packline_collector.domain.orders import NewOrder
from packline_contracts import OrderRef

AWAITING_SHIPMENT = (
    "AWAITING_SHIPMENT"  # paid, not yet shipped (Coupang ACCEPT/INSTRUCT, Naver PAYED)
)
CANCELLED = "CANCELLED"
ELSEWHERE = "ELSEWHERE"  # shipped, delivered or otherwise past us: nothing to collect


@dataclass(frozen=True)
class RemoteOrder:
    """One shipment unit as the marketplace shows it now. `order` holds only what is still to
    ship (shippingCount − cancelCount − holdCountForCancel); None when nothing is left."""

    ref: OrderRef
    state: str
    order: NewOrder | None
    cancelled_lines: tuple[str, ...] = ()  # line ids with a cancelled or held quantity
    claim: str = ""  # the marketplace's claim/cancel wording, for the reason
    returned: bool = False  # the buyer asked to return it (반품) after it shipped
    # found through a claim, not in the listing of new orders: it updates an order we know,
    # and is never registered as new (an old order we never collected is not ours to ship)
    from_claim: bool = False

    @property
    def fully_cancelled(self) -> bool:
        return self.order is None and self.state != ELSEWHERE


@dataclass
class Fetched:
    """One account's collection: orders found, calls' problems named by order id, counts."""

    orders: dict[str, RemoteOrder] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    acknowledged: int = 0
    # the end of the period whose claims were all read (every claimed order too), or None
    claims_read_to: datetime | None = None

    def add(self, remote: RemoteOrder) -> None:
        self.orders[remote.ref.uid] = remote


class Progress(Protocol):
    async def __call__(self, fetched: int) -> None: ...


class MappingError(ValueError):
    """A row the marketplace sent that cannot be read; the message names the order and field."""


class Gateway(Protocol):
    """One account's marketplace: fetch what awaits shipment (and what changed) in a period,
    acknowledging the new orders on the way, and every order a claim (cancel, return) made
    from `claims_from` (default: the period's start) to the period's end concerns, however old
    the order, in as many windows as the marketplace's API needs."""

    async def fetch(
        self,
        start: datetime,
        end: datetime,
        progress: Progress,
        claims_from: datetime | None = None,
    ) -> Fetched: ...


def windows(start: datetime, end: datetime, size: timedelta) -> list[tuple[datetime, datetime]]:
    """[start, end) cut into the marketplace's longest listing period, in order; the last may be
    shorter. A period that is empty or reversed has none."""
    found = []
    while start < end:
        found.append((start, min(end, start + size)))
        start += size
    return found
