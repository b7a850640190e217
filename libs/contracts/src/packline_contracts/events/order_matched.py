"""OrderMatched (매칭): every line of an order resolved to the seller's own SKUs."""

from typing import Literal

from pydantic import AwareDatetime, Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import MatchedLine, OrderLine, OrderRef, Recipient


class OrderMatched(Event):
    """Version 2 added `orderer_name` (Coupang invoices need orderer and recipient equal);
    version 3 names the order's seller (`order.seller_id`); version 4 lets the recipient carry
    the marketplace's building management number and road-name flag. Older messages still parse
    (version 1 with an unknown orderer)."""

    event_type: Literal["OrderMatched"] = "OrderMatched"
    schema_version: Literal[1, 2, 3, 4] = 4
    order: OrderRef
    recipient_key: str = Field(min_length=16, max_length=128)
    paid_at: AwareDatetime
    recipient: Recipient
    lines: tuple[OrderLine, ...] = Field(min_length=1)
    matched_lines: tuple[MatchedLine, ...] = Field(min_length=1)
    orderer_name: str = Field(default="", max_length=100, description="주문자; never logged")
