"""OrderCancelled (취소): a marketplace claim or the console cancelled an order."""

from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import OrderRef


class OrderCancelled(Event):
    """Version 2 names the order's seller (`order.seller_id`); version 1 still parses."""

    event_type: Literal["OrderCancelled"] = "OrderCancelled"
    schema_version: Literal[1, 2] = 2
    order: OrderRef
    recipient_key: str = Field(min_length=16, max_length=128)
    reason: str = Field(default="", max_length=300)
    source: Literal["MARKETPLACE_CLAIM", "CONSOLE"] = "CONSOLE"
