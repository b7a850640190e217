"""OrderRecipientChanged (배송지 변경): the marketplace now shows another recipient for an order
already collected (the buyer changed the address while the order awaited shipment)."""

from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event
from packline_contracts.events.common import OrderRef, Recipient


class OrderRecipientChanged(Event):
    """Keyed, like every event about the order before bundling, by the recipient_key the order
    was collected with, so it reaches each stage after that order's OrderCollected/OrderMatched.
    `new_recipient_key` is the key of the new recipient: what the order bundles by from now on.
    Version 2 names the order's seller (`order.seller_id`); version 3 lets the recipient carry
    the marketplace's building management number and road-name flag. Older versions parse."""

    event_type: Literal["OrderRecipientChanged"] = "OrderRecipientChanged"
    schema_version: Literal[1, 2, 3] = 3
    order: OrderRef
    recipient_key: str = Field(
        min_length=16, max_length=128, description="Partition key: the key at collection"
    )
    new_recipient_key: str = Field(min_length=16, max_length=128)
    recipient: Recipient = Field(description="The new recipient, in full")
    source: Literal["MARKETPLACE", "CONSOLE"] = "MARKETPLACE"
