"""OrderMatched (매칭): every line of an order resolved to the seller's own SKUs."""

from typing import Literal

from pydantic import AwareDatetime, Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import MatchedLine, OrderLine, OrderRef, Recipient


class OrderMatched(Event):
    event_type: Literal["OrderMatched"] = "OrderMatched"
    schema_version: Literal[1] = 1
    order: OrderRef
    recipient_key: str = Field(min_length=16, max_length=128)
    paid_at: AwareDatetime
    recipient: Recipient
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    matched_lines: tuple[MatchedLine, ...] = Field(min_length=1)
