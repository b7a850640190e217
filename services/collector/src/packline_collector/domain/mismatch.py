"""상태 불일치: what the marketplace shows for a line we shipped or pushed, read again, and
the kind of disagreement it is (none when the marketplace agrees)."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, Field

from packline_collector.domain.push import LineKey


class MismatchKind(StrEnum):
    # we shipped or pushed; the marketplace still waits for shipment (ACCEPT/INSTRUCT, PAYED)
    SHIPPED_NOT_AT_MARKETPLACE = "SHIPPED_NOT_AT_MARKETPLACE"
    # the buyer cancelled or asked to return at the marketplace after we shipped
    CANCELLED_AFTER_SHIPPING = "CANCELLED_AFTER_SHIPPING"
    # the marketplace holds another tracking number than ours
    NUMBER_DIFFERS = "NUMBER_DIFFERS"


@dataclass(frozen=True)
class ShippedLine:
    """A line we shipped or pushed, as we know it."""

    key: LineKey
    account_id: uuid.UUID
    tracking_number: str
    paid_at: datetime | None = None  # the order's, to find it in date-bound listings


@dataclass(frozen=True)
class Observed:
    """What the marketplace shows for one line now."""

    status: str  # the marketplace's own word (INSTRUCT, DEPARTURE, PAYED, DELIVERING…)
    awaiting_shipment: bool
    cancelled: bool  # cancelled, held for cancel, or a return asked for
    tracking_number: str = ""  # "" when the marketplace shows none


def judge(line: ShippedLine, seen: Observed) -> MismatchKind | None:
    """One kind per line, the most pressing first: a cancel outweighs a missing number."""
    if seen.cancelled:
        return MismatchKind.CANCELLED_AFTER_SHIPPING
    if seen.awaiting_shipment:
        return MismatchKind.SHIPPED_NOT_AT_MARKETPLACE
    if seen.tracking_number and seen.tracking_number != line.tracking_number:
        return MismatchKind.NUMBER_DIFFERS
    return None


class StatusReader(Protocol):
    """One account's marketplace: what it shows now for these lines (a line it did not answer
    for is left out, and stays as it was)."""

    async def read(
        self, lines: Sequence[ShippedLine], since: datetime
    ) -> dict[LineKey, Observed]: ...


@dataclass(frozen=True)
class Found:
    line: ShippedLine
    kind: MismatchKind
    seen: Observed


class MismatchView(BaseModel):
    seller_id: str
    marketplace: str
    marketplace_order_id: str
    line_id: str
    kind: MismatchKind
    our_tracking_number: str
    marketplace_status: str = Field(description="The marketplace's status when last checked")
    marketplace_tracking_number: str
    detected_at: datetime
    last_checked_at: datetime
    resolved_at: datetime | None


class CheckResult(BaseModel):
    checked: int = Field(description="Lines whose marketplace answered")
    unanswered: int = Field(description="Lines of accounts that could not be read; unchanged")
    open: int = Field(description="Open mismatches among the lines checked")
    resolved: int = Field(description="Mismatches resolved by this check")


class AccountDay(BaseModel):
    """One marketplace account's day (Asia/Seoul): ours against the marketplace's."""

    account_id: uuid.UUID | None
    marketplace: str
    collected: int = Field(description="Orders collected that day")
    shipped: int = Field(description="Order lines shipped or numbered for push that day")
    pushed_sent: int = Field(description="Lines the marketplace accepted that day")
    pushed_failed: int = Field(description="Lines that day's pushes left FAILED")
    mismatched: dict[MismatchKind, int] = Field(
        description="Mismatches detected that day, by kind (open or since resolved)"
    )
    mismatched_open: int
