"""An order as a seller or an API hands it to us, and the OrderCollected fact it becomes."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from packline_collector.domain.order_bounds import (
    MAX_SHIPPING_FEE_KRW,
    Id,
    OrderLineIn,
    RecipientIn,
    Text,
    a_time,
)
from packline_collector.domain.text_rules import (
    first_control_character,
    fold_line_breaks,
    problem,
)
from packline_contracts import (
    Marketplace,
    OrderCollected,
    OrderLine,
    OrderRef,
    Recipient,
    new_event_id,
)
from packline_recipients import bundle_key, normalise, recipient_key

SEOUL = ZoneInfo("Asia/Seoul")


def recipient_hash(seller_id: str, r: Recipient) -> str:
    """What re-collection compares: name, address and both phones, normalised (the bundle key),
    so a different spelling of the same address is not a change but a move is."""
    return bundle_key(
        seller_id, normalise(r.name, f"{r.postcode} {r.address1}", r.address2, r.phone, r.mobile)
    )


def line_quantities(lines: tuple[OrderLine, ...]) -> dict[str, int]:
    return {line.line_id: line.quantity for line in lines}


class NewOrder(BaseModel):
    """One marketplace shipment unit to register. Naive times are read as Asia/Seoul."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # empty: the signed-in seller's (the HTTP API fills it in; a request may name only its own)
    seller_id: Id = ""
    marketplace: Marketplace
    marketplace_order_id: Id
    ordered_at: datetime
    paid_at: datetime
    recipient: RecipientIn
    orderer_name: Text = Field(default="", max_length=100)
    marketplace_order_no: str = Field(
        default="",
        max_length=64,
        description="The marketplace's order number besides the shipping unit (Coupang "
        "orderId), kept for pushing the tracking number back",
    )
    lines: tuple[OrderLineIn, ...] = Field(min_length=1, max_length=500)
    shipping_fee_krw: int = Field(default=0, strict=True, ge=0, le=MAX_SHIPPING_FEE_KRW)

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        hit = first_control_character(data)
        if hit is not None:
            field, char = hit
            raise PydanticCustomError(
                "control_character",
                "{field}: " + problem(char),
                {"field": field, "character": char},
            )
        return fold_line_breaks(data)

    @field_validator("ordered_at", "paid_at")
    @classmethod
    def _aware_utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            value = value.replace(tzinfo=SEOUL)
        return a_time(value.astimezone(UTC))

    @field_validator("marketplace_order_id")
    @classmethod
    def _digits_text(cls, value: str) -> str:
        value = value.strip()
        if "E+" in value.upper():
            raise ValueError(f"{value!r} looks like a number Excel rounded; send ids as text")
        return value

    @model_validator(mode="after")
    def _distinct_lines(self) -> "NewOrder":
        ids = [line.line_id for line in self.lines]
        if len(set(ids)) != len(ids):
            raise ValueError("line_id values must be unique within an order")
        return self

    @property
    def ref(self) -> OrderRef:
        return OrderRef(
            seller_id=self.seller_id,
            marketplace=self.marketplace,
            marketplace_order_id=self.marketplace_order_id,
        )

    def recipient_key(self) -> str:
        r = self.recipient
        return recipient_key(
            self.seller_id, normalise(r.name, r.address1, r.address2, r.phone, r.mobile)
        )

    def collected(self, source: str) -> OrderCollected:
        """The fact this order becomes; it starts its own event chain."""
        event_id = new_event_id()
        return OrderCollected(
            event_id=event_id,
            correlation_id=event_id,
            seller_id=self.seller_id,
            order=self.ref,
            recipient_key=self.recipient_key(),
            ordered_at=self.ordered_at,
            paid_at=self.paid_at,
            recipient=self.recipient,
            orderer_name=self.orderer_name,
            lines=self.lines,
            shipping_fee_krw=self.shipping_fee_krw,
            source=source,
        )
