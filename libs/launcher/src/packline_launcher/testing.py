"""Builders of valid events for tests (kept beside the sample orders they resemble)."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from packline_contracts import (
    BundleFormed,
    BundleMember,
    MatchedLine,
    OrderCollected,
    OrderLine,
    OrderMatched,
    OrderRecipientChanged,
    OrderRef,
    OrderUnmatched,
    Recipient,
    SkuLine,
    StockAllocated,
)

T0 = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)


def recipient(name: str = "김민준", mobile: str = "010-1234-5678", **kw: Any) -> Recipient:
    return Recipient(
        name=name, mobile=mobile, address1=kw.pop("address1", "서울 강남구 테헤란로 1"), **kw
    )


def line(
    listing: str = "7001", option: str = "70011", quantity: int = 1, line_id: str = "1"
) -> OrderLine:
    return OrderLine(
        line_id=line_id,
        listing_id=listing,
        option_id=option,
        quantity=quantity,
        unit_price_krw=10_000,
        amount_krw=10_000 * quantity,
    )


def collected(
    number: int, *lines: OrderLine, to: Recipient | None = None, seller: str = "s1"
) -> OrderCollected:
    event_id = uuid.uuid4()
    return OrderCollected(
        event_id=event_id,
        correlation_id=event_id,
        seller_id=seller,
        order=OrderRef(
            seller_id=seller,
            marketplace="COUPANG",
            marketplace_order_id=str(500000000000000000 + number),
        ),
        recipient_key="k" * 32 if seller == "s1" else (seller.encode().hex() + "k" * 32)[:64],
        ordered_at=T0,
        paid_at=T0 + timedelta(minutes=number),
        recipient=to or recipient(),
        lines=lines or (line(),),
    )


def matched(order: OrderCollected, skus: dict[str, int]) -> OrderMatched:
    return OrderMatched(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        paid_at=order.paid_at,
        recipient=order.recipient,
        lines=order.lines,
        matched_lines=(
            MatchedLine(
                line_id=order.lines[0].line_id,
                skus=tuple(SkuLine(sku=s, quantity=q) for s, q in skus.items()),
            ),
        ),
    )


def bundle(*orders: OrderMatched, bundle_id: uuid.UUID | None = None) -> BundleFormed:
    first = min(orders, key=lambda o: o.paid_at)
    return BundleFormed(
        **first.follow_up(),
        bundle_id=bundle_id or uuid.uuid4(),
        recipient_key=first.recipient_key,
        recipient=first.recipient,
        paid_at=first.paid_at,
        members=tuple(
            BundleMember(
                order=o.order,
                paid_at=o.paid_at,
                amount_krw=sum(li.amount_krw for li in o.lines),
                lines=o.lines,
                matched_lines=o.matched_lines,
            )
            for o in orders
        ),
    )


def recipient_changed(order: OrderCollected | OrderMatched, to: Recipient) -> OrderRecipientChanged:
    """배송지 변경 of `order` to `to`; the new key only has to differ from the collected one."""
    return OrderRecipientChanged(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        new_recipient_key=("n" + to.name.encode().hex() + "n" * 32)[:64],
        recipient=to,
    )


def unmatched(order: OrderMatched, listing_id: str = "7001") -> OrderUnmatched:
    """The matcher withdraws `order`'s match (its mapping was deleted)."""
    return OrderUnmatched(
        **order.follow_up(),
        order=order.order,
        recipient_key=order.recipient_key,
        matched_event_id=order.event_id,
        listing_id=listing_id,
    )


def allocated(box: BundleFormed, sku: str = "A") -> StockAllocated:
    """The allocator reserved `box` whole: one unit of `sku` per member."""
    return StockAllocated(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        recipient=box.recipient,
        members=box.members,
        allocated=(SkuLine(sku=sku, quantity=len(box.members)),),
    )
