"""Pushing a tracking number back to the marketplace, per marketplace order line (송장 전송):
the push states, what a marketplace's answer means, and when a line is tried again."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from pydantic import BaseModel, Field

from packline_contracts import OrderRef

# Marketplaces Packline can push to; an order of another, or one registered by hand or Excel
# (no account), has nowhere to be pushed: NOT_APPLICABLE, never a failure.
PUSHABLE = frozenset(
    {"COUPANG", "NAVER", "ELEVENST", "GMARKET", "AUCTION"}
)  # the last two through ESM
MAX_TRANSIENT_ATTEMPTS = 8  # ticks of "unavailable" before a line is FAILED for a person
T = TypeVar("T")
CANCELLED_AT_MARKETPLACE = "CANCELLED_AT_MARKETPLACE"  # order_attention kind (CS)
# order_attention kinds: a number the marketplace holds that a person must change or withdraw
NUMBER_CHANGE_BY_HAND = "TRACKING_NUMBER_CHANGE_BY_HAND"
PUSHED_BUT_CANCELLED = "PUSHED_BUT_CANCELLED"


class PushState(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"
    NOT_APPLICABLE = "NOT_APPLICABLE"
    CANCELLED = "CANCELLED"  # the order was cancelled here: never pushed (again)


class Verdict(StrEnum):
    """What one answer means for a line."""

    SENT = "SENT"  # accepted, or the marketplace already holds this very number
    FAILED = "FAILED"  # refused for this line: a person looks (and may retry)
    CANCELLED = "CANCELLED"  # the buyer cancelled at the marketplace: a CS case, no retry
    RETRY = "RETRY"  # the call itself failed (429/5xx/timeouts after retries): later
    # the marketplace holds an older number of ours and offers no call to change it: a CS case
    BY_HAND = "BY_HAND"


@dataclass(frozen=True)
class LineKey:
    seller_id: str
    marketplace: str
    marketplace_order_id: str
    line_id: str

    @property
    def ref(self) -> OrderRef:
        return OrderRef.model_validate(
            {
                "seller_id": self.seller_id,
                "marketplace": self.marketplace,
                "marketplace_order_id": self.marketplace_order_id,
            }
        )


@dataclass(frozen=True)
class NewPush:
    """A line of a parcel whose number is now known (Shipped, or WaybillIssued for 가배송)."""

    key: LineKey
    parcel_id: uuid.UUID
    courier_code: str
    tracking_number: str
    pre_shipment: bool
    account_id: uuid.UUID | None
    order_cancelled: bool = False  # a number issued after the order was cancelled here

    @property
    def state(self) -> PushState:
        if self.key.marketplace not in PUSHABLE or self.account_id is None:
            return PushState.NOT_APPLICABLE
        return PushState.CANCELLED if self.order_cancelled else PushState.PENDING


@dataclass(frozen=True)
class PushLine:
    """A PENDING line leased for one push attempt."""

    key: LineKey
    account_id: uuid.UUID
    courier_code: str
    tracking_number: str
    attempts: int
    marketplace_order_no: str  # Coupang orderId; "" when the collector never saw it
    held_number: str = ""  # the number of ours the marketplace holds already ("" none)

    @property
    def replaces(self) -> bool:
        """The marketplace holds another number of ours: an update, not a first upload."""
        return bool(self.held_number) and self.held_number != self.tracking_number


@dataclass(frozen=True)
class PushResult:
    verdict: Verdict
    code: str = ""
    message: str = ""


class TrackingPusher(Protocol):
    """One account's marketplace: push these lines, answer per line."""

    async def push(self, lines: Sequence[PushLine]) -> dict[LineKey, PushResult]: ...


def after_retry(line: PushLine, reason: str) -> PushResult:
    """A call that failed as a whole goes back to PENDING until it has failed too often."""
    if line.attempts + 1 >= MAX_TRANSIENT_ATTEMPTS:
        return PushResult(Verdict.FAILED, "UNAVAILABLE", reason)
    return PushResult(Verdict.RETRY, "UNAVAILABLE", reason)


def backoff(attempts: int) -> timedelta:
    """Wait before the next try of a line whose call failed: 30 s, 1 min, 2 min … ≤ 30 min."""
    return timedelta(seconds=min(1800, 30 * 2 ** max(0, attempts - 1)))


def cs_detail(key: LineKey, tracking_number: str, code: str) -> str:
    return (
        f"line {key.line_id}: the marketplace refused tracking number {tracking_number} because "
        f"the order was cancelled there ({code}); stop or recall the parcel, or handle it as "
        "a return (반품)"
    )


def by_hand_detail(key: LineKey, held: str, tracking_number: str) -> str:
    return (
        f"line {key.line_id}: the marketplace holds our earlier tracking number {held}; the "
        f"parcel now travels as {tracking_number}, and the marketplace offers no call to change "
        "it: change it in its seller centre"
    )


def cancelled_detail(key: LineKey, held: str) -> str:
    return (
        f"line {key.line_id}: the marketplace holds tracking number {held} from our push, but "
        "the order was cancelled here and nothing will ship; no API withdraws an uploaded "
        "number, so withdraw it in the seller centre (or settle the cancel there)"
    )


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


class PushView(BaseModel):
    """One line's push as a person sees it (송장 전송 상태)."""

    seller_id: str
    marketplace: str
    marketplace_order_id: str
    line_id: str
    parcel_id: uuid.UUID
    courier_code: str
    tracking_number: str
    pre_shipment: bool = Field(description="가배송: pushed when the number was issued")
    state: PushState
    marketplace_number: str = Field(description="The number of ours the marketplace holds")
    attempts: int
    last_attempt_at: datetime | None
    result_code: str = Field(description="The marketplace's own code of its last answer")
    result_message: str
    cancelled_at_marketplace: bool = Field(description="A CS case: not retried in bulk")
    sent_at: datetime | None


def outcomes(done: Sequence[tuple[PushLine, PushResult]]) -> dict[tuple[str, str], int]:
    """Lines per (marketplace, outcome) of one push, the outcome being the verdict in lower case
    (sent, failed, retry, cancelled, by_hand): what `packline_marketplace_pushes_total` counts."""
    counted: dict[tuple[str, str], int] = {}
    for line, result in done:
        key = (line.key.marketplace, result.verdict.value.lower())
        counted[key] = counted.get(key, 0) + 1
    return counted
