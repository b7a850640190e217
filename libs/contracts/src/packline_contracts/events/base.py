"""Base class of every order-state event."""

from collections.abc import Iterator
from typing import Any, Self

from pydantic import BaseModel, model_validator

from packline_contracts.envelope import Envelope
from packline_contracts.events.common import OrderRef


def _with_order_seller(value: Any, seller_id: object) -> Any:
    """A copy of a raw payload in which every `order` lacking `seller_id` has the envelope's."""
    if isinstance(value, list | tuple):
        return [_with_order_seller(item, seller_id) for item in value]
    if not isinstance(value, dict):
        return value
    copy = {key: _with_order_seller(item, seller_id) for key, item in value.items()}
    order = copy.get("order")
    if isinstance(order, dict) and "seller_id" not in order:
        copy["order"] = {"seller_id": seller_id, **order}
    return copy


def _order_refs(value: object) -> Iterator[OrderRef]:
    if isinstance(value, OrderRef):
        yield value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from _order_refs(getattr(value, name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _order_refs(item)


class Event(Envelope):
    """An immutable, past-tense fact. `event_type` is pinned by each subclass.

    An order's identity includes its seller (`OrderRef.seller_id`); versions written before it
    did parse with the envelope's seller, and no event may name another seller's order."""

    event_type: str

    @model_validator(mode="before")
    @classmethod
    def _fill_order_seller(cls, data: Any) -> Any:
        if isinstance(data, dict) and "seller_id" in data:
            return _with_order_seller(data, data["seller_id"])
        return data

    @model_validator(mode="after")
    def _orders_of_this_seller(self) -> Self:
        for ref in _order_refs(self):
            if ref.seller_id != self.seller_id:
                raise ValueError(
                    f"order {ref.marketplace.value}:{ref.marketplace_order_id} belongs to seller "
                    f"{ref.seller_id!r}, not to this event's seller {self.seller_id!r}"
                )
        return self
