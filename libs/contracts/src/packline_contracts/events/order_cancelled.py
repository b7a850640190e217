"""OrderCancelled (취소): a marketplace claim or the console cancelled an order."""

from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import OrderRef


class OrderCancelled(Event):
    event_type: Literal["OrderCancelled"] = "OrderCancelled"
    schema_version: Literal[1] = 1
    order: OrderRef
    recipient_key: str = Field(min_length=16, max_length=128)
    reason: str = Field(default="", max_length=300)
    source: Literal["MARKETPLACE_CLAIM", "CONSOLE"] = "CONSOLE"
