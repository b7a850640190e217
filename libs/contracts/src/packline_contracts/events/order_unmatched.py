"""OrderUnmatched (매칭 취소): a person deleted the mapping an order was matched by; the order is
back in the matcher's queue and its OrderMatched no longer holds."""

import uuid
from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import OrderRef


class OrderUnmatched(Event):
    """Withdraws one OrderMatched (by its event id): the bundler takes the order out of its
    bundle while it is open, or sealed and not yet allocated. Allocation wins a race. Version 2
    names the order's seller (`order.seller_id`); version 1 still parses."""

    event_type: Literal["OrderUnmatched"] = "OrderUnmatched"
    schema_version: Literal[1, 2] = 2
    order: OrderRef
    recipient_key: str = Field(min_length=16, max_length=128, description="Partition key")
    matched_event_id: uuid.UUID = Field(description="event_id of the OrderMatched withdrawn")
    listing_id: str = Field(min_length=1, max_length=64, description="Mapping that was deleted")
    option_id: str = Field(default="", max_length=64)
    reason: str = Field(default="", max_length=300)
