"""What an order may hold when it enters (API, JSON lines, Excel, marketplace mapping): text
without control characters, ids that are not only spaces, phones that are phones, quantities
and money within sane bounds, line totals that add up, and dates after the marketplaces began.
Errors name the field and never repeat the value (it may be personal data)."""

import re
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import AfterValidator, Field, field_validator, model_validator

from packline_collector.domain.text_rules import control_character, problem
from packline_contracts import OrderLine, Recipient

MAX_QUANTITY = 9_999
MAX_UNIT_PRICE_KRW = 100_000_000
MAX_LINE_AMOUNT_KRW = 1_000_000_000
MAX_SHIPPING_FEE_KRW = 1_000_000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)  # before any Korean open marketplace took an order
# digits (a masked one as *), optionally +82, grouped by spaces, hyphens, dots or parentheses
_PHONE = re.compile(r"^\+?[0-9*()\-. ]+$")


def plain_text(value: str) -> str:
    """The one rule of `text_rules`, for text that reaches a model without its order (a line
    or a recipient built alone)."""
    char = control_character(value)
    if char is not None:
        raise ValueError(problem(char))
    return value


def an_id(value: str) -> str:
    value = plain_text(value).strip()
    if not value:
        raise ValueError("must not be empty or only spaces")
    return value


def a_phone(value: str) -> str:
    value = value.strip()
    if not value:
        return value
    digits = sum(c.isdigit() or c == "*" for c in value)
    if not _PHONE.match(value) or not 8 <= digits <= 13:
        raise ValueError("is not a phone number (8 to 13 digits, e.g. 010-1234-5678)")
    return value


def a_time(value: datetime) -> datetime:
    if value < EARLIEST:
        raise ValueError("is before 2000-01-01; check the year")
    if value > datetime.now(UTC) + timedelta(days=2):
        raise ValueError("is in the future; check the date and time zone")
    return value


Text = Annotated[str, AfterValidator(plain_text)]
Id = Annotated[str, Field(min_length=1, max_length=64), AfterValidator(an_id)]


class RecipientIn(Recipient):
    """수취인 as it enters; the event carries it as a plain `Recipient`."""

    @field_validator("*")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return plain_text(value) if isinstance(value, str) else value

    @field_validator("phone", "mobile")
    @classmethod
    def _phone(cls, value: str) -> str:
        return a_phone(value)

    @field_validator("name", "address1")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be empty or only spaces")
        return value


class OrderLineIn(OrderLine):
    """An order line as it enters; the event carries it as a plain `OrderLine`."""

    quantity: int = Field(strict=True, ge=1, le=MAX_QUANTITY)
    unit_price_krw: int = Field(strict=True, ge=0, le=MAX_UNIT_PRICE_KRW)
    amount_krw: int = Field(
        strict=True, ge=0, le=MAX_LINE_AMOUNT_KRW, description="Paid, after discounts"
    )

    @field_validator("*")
    @classmethod
    def _text(cls, value: Any) -> Any:
        return plain_text(value) if isinstance(value, str) else value

    @field_validator("line_id", "listing_id")
    @classmethod
    def _id(cls, value: str) -> str:
        return an_id(value)

    @model_validator(mode="after")
    def _adds_up(self) -> "OrderLineIn":
        if self.amount_krw > self.quantity * self.unit_price_krw:
            raise ValueError("amount_krw is more than quantity × unit_price_krw")
        return self
