"""A person's mappings (매칭) and what they decide: a mapping may name only SKUs of the seller's
catalogue; deleting one withdraws the unallocated orders it matched (OrderUnmatched); every
such decision is recorded (who, why, which orders), as is an order that was allocated before
its mapping's deletion could take it back."""

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from packline_contracts import OrderCollected, OrderUnmatched, SkuLine
from packline_matcher.domain.matching import MappingKey

SYSTEM = "system"  # who decides what no person decided
REASON_LIMIT = 300  # characters of a person's reason an OrderUnmatched carries


class UnknownSkus(ValueError):
    """A mapping names SKUs the seller's catalogue does not have."""


class MappingNotFound(LookupError):
    pass


class Action(StrEnum):
    MATCH = "MATCH"
    MAPPING_DELETE = "MAPPING_DELETE"
    ALLOCATED_BEFORE_UNMATCH = "ALLOCATED_BEFORE_UNMATCH"


@dataclass(frozen=True)
class Decision:
    seller_id: str
    action: Action
    subject: dict[str, Any]
    decided_by: str
    reason: str


def check_skus(key: MappingKey, skus: Sequence[SkuLine], known: Collection[str]) -> None:
    """Raises UnknownSkus unless every SKU of the mapping is in the seller's catalogue."""
    unknown = {s.sku for s in skus} - set(known)
    if unknown:
        raise UnknownSkus(
            f"SKU(s) {', '.join(sorted(unknown))} are not in seller {key[0]}'s catalogue; "
            "add them with POST /catalogue or /catalogue/import first"
        )


def not_found(key: MappingKey) -> MappingNotFound:
    return MappingNotFound(f"no mapping for {key[1]} listing {key[2]} option '{key[3]}'")


def _listing(key: MappingKey, skus: Sequence[SkuLine]) -> dict[str, Any]:
    return {
        "marketplace": key[1],
        "listing_id": key[2],
        "option_id": key[3],
        "skus": [s.model_dump() for s in skus],
    }


def added(
    key: MappingKey, skus: Sequence[SkuLine], released: list[str], by: str, reason: str
) -> Decision:
    subject = {**_listing(key, skus), "released_orders": released}
    return Decision(key[0], Action.MATCH, subject, by, reason)


def deleted(
    key: MappingKey, skus: Sequence[SkuLine], unmatched: list[str], by: str, reason: str
) -> Decision:
    subject = {**_listing(key, skus), "unmatched_orders": unmatched}
    return Decision(key[0], Action.MAPPING_DELETE, subject, by, reason)


def allocated_before_unmatch(order: OrderCollected) -> Decision:
    """An order sent back to the queue by a deleted mapping while the allocator was already
    reserving it: it ships as allocated."""
    return Decision(
        order.seller_id,
        Action.ALLOCATED_BEFORE_UNMATCH,
        {"order": order.order.uid},
        SYSTEM,
        "allocated before the mapping deletion reached the allocator; ships as allocated",
    )


def withdraw(
    order: OrderCollected, matched_event_id: uuid.UUID, key: MappingKey, reason: str
) -> OrderUnmatched:
    """The OrderUnmatched that takes back what a deleted mapping matched."""
    return OrderUnmatched(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        matched_event_id=matched_event_id,
        listing_id=key[2],
        option_id=key[3],
        reason=reason[:REASON_LIMIT],
    )
