"""OrderCancelled (취소): a marketplace claim or the console cancelled an order, or part of it."""

from typing import Literal

from pydantic import Field, field_validator

from packline_contracts.events.base import Event
from packline_contracts.events.common import OrderRef, Value


class CancelledLine(Value):
    """Units of one order line that this cancellation takes away (not the line's total)."""

    line_id: str = Field(min_length=1, max_length=64)
    quantity: int = Field(ge=1)


class OrderCancelled(Event):
    """Version 2 names the order's seller (`order.seller_id`); version 3 may name `lines`: a
    partial cancellation of those units only. Absent or empty lines cancel the whole order, as
    in versions 1 and 2, which still parse."""

    event_type: Literal["OrderCancelled"] = "OrderCancelled"
    schema_version: Literal[1, 2, 3] = 3
    order: OrderRef
    recipient_key: str = Field(min_length=16, max_length=128)
    reason: str = Field(default="", max_length=300)
    source: Literal["MARKETPLACE_CLAIM", "CONSOLE"] = "CONSOLE"
    lines: tuple[CancelledLine, ...] | None = Field(
        default=None, description="Units cancelled per line; absent = the whole order"
    )

    @field_validator("lines")
    @classmethod
    def _each_line_once(
        cls, lines: tuple[CancelledLine, ...] | None
    ) -> tuple[CancelledLine, ...] | None:
        if not lines:
            return None
        ids = [line.line_id for line in lines]
        if len(set(ids)) != len(ids):
            raise ValueError("each line_id may appear once in a cancellation")
        return lines

    @property
    def is_partial(self) -> bool:
        return self.lines is not None
