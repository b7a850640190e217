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
PUSHABLE = frozenset({"COUPANG", "NAVER"})
MAX_TRANSIENT_ATTEMPTS = 8  # ticks of "unavailable" before a line is FAILED for a person
T = TypeVar("T")
CANCELLED_AT_MARKETPLACE = "CANCELLED_AT_MARKETPLACE"  # order_attention kind (CS)


class PushState(StrEnum):
    PENDING = "PENDING"
    SENT = "SENT"
    FAILED = "FAILED"
    NOT_APPLICABLE = "NOT_APPLICABLE"


class Verdict(StrEnum):
    """What one answer means for a line."""

    SENT = "SENT"  # accepted, or the marketplace already holds this very number
    FAILED = "FAILED"  # refused for this line: a person looks (and may retry)
    CANCELLED = "CANCELLED"  # the buyer cancelled at the marketplace: a CS case, no retry
    RETRY = "RETRY"  # the call itself failed (429/5xx/timeouts after retries): later


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

    @property
    def state(self) -> PushState:
        if self.key.marketplace in PUSHABLE and self.account_id is not None:
            return PushState.PENDING
        return PushState.NOT_APPLICABLE


@dataclass(frozen=True)
class PushLine:
    """A PENDING line leased for one push attempt."""

    key: LineKey
    account_id: uuid.UUID
    courier_code: str
    tracking_number: str
    attempts: int
    marketplace_order_no: str  # Coupang orderId; "" when the collector never saw it


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
    attempts: int
    last_attempt_at: datetime | None
    result_code: str = Field(description="The marketplace's own code of its last answer")
    result_message: str
    cancelled_at_marketplace: bool = Field(description="A CS case: not retried in bulk")
    sent_at: datetime | None
