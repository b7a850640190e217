"""Base class of every order-state event."""

from collections.abc import Iterator
from functools import cache
from typing import Any, Self, get_args, get_origin

from pydantic import BaseModel, model_validator

from packline_contracts.envelope import Envelope
from packline_contracts.events.common import OrderRef


@cache
def _order_fields(model: type[BaseModel]) -> dict[str, type[BaseModel] | None]:
    """The fields of `model` that hold an OrderRef: None where the field is the ref (or a tuple
    of refs), else the model that holds one (BundleMember, ShippedOrder, or a tuple of them)."""
    found: dict[str, type[BaseModel] | None] = {}
    for name, field in model.model_fields.items():
        inner = field.annotation
        if get_origin(inner) is tuple:
            inner = get_args(inner)[0]
        if inner is OrderRef:
            found[name] = None
        elif isinstance(inner, type) and issubclass(inner, BaseModel) and _order_fields(inner):
            found[name] = inner
    return found


def _with_order_seller(data: dict[str, Any], model: type[BaseModel], seller: Any) -> dict[str, Any]:
    """`data` (raw input of `model`) with the seller put into every order that lacks one; the
    same object when nothing lacks it."""
    changes: dict[str, Any] = {}
    for name, holder in _order_fields(model).items():
        value = data.get(name)
        items = list(value) if isinstance(value, list | tuple) else [value]
        filled = [_filled(item, holder, seller) for item in items]
        if any(new is not old for new, old in zip(filled, items, strict=True)):
            changes[name] = filled if isinstance(value, list | tuple) else filled[0]
    return {**data, **changes} if changes else data


def _filled(item: Any, holder: type[BaseModel] | None, seller: Any) -> Any:
    if not isinstance(item, dict):
        return item  # already a model, or invalid: validation says what is wrong
    if holder is not None:
        return _with_order_seller(item, holder, seller)
    return item if "seller_id" in item else {"seller_id": seller, **item}


def _order_refs(model: BaseModel) -> Iterator[OrderRef]:
    for name, holder in _order_fields(type(model)).items():
        value = getattr(model, name)
        for item in value if isinstance(value, tuple) else (value,):
            if isinstance(item, OrderRef):
                yield item
            elif holder is not None and isinstance(item, BaseModel):
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
            return _with_order_seller(data, cls, data["seller_id"])
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
