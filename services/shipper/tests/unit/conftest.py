"""Builders for WaybillIssued events and the parcels they become."""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from packline_contracts import (
    BundleMember,
    MatchedLine,
    OrderLine,
    OrderRef,
    Recipient,
    SkuLine,
    WaybillIssued,
)

NOW = datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
WaybillFactory = Callable[..., WaybillIssued]
MemberFactory = Callable[..., BundleMember]


def _member(order_id: str, *skus: tuple[str, int]) -> BundleMember:
    """One order with one line, resolved to the given (sku, quantity) pairs."""
    skus = skus or (("SKU-A", 1),)
    return BundleMember(
        order=OrderRef(seller_id="s1", marketplace="NAVER", marketplace_order_id=order_id),
        paid_at=NOW,
        amount_krw=1000,
        lines=(
            OrderLine(
                line_id=f"{order_id}-1",
                listing_id="L",
                quantity=1,
                unit_price_krw=1000,
                amount_krw=1000,
            ),
        ),
        matched_lines=(
            MatchedLine(
                line_id=f"{order_id}-1", skus=tuple(SkuLine(sku=s, quantity=q) for s, q in skus)
            ),
        ),
    )


@pytest.fixture
def member() -> MemberFactory:
    return _member


@pytest.fixture
def waybill() -> WaybillFactory:
    def build(*members: BundleMember, tracking_number: str = "300000000006") -> WaybillIssued:
        return WaybillIssued(
            seller_id="s1",
            correlation_id=uuid.uuid4(),
            causation_id=uuid.uuid4(),
            bundle_id=uuid.uuid4(),
            courier_code="HYUNDAI",
            tracking_number=tracking_number,
            recipient=Recipient(name="수취인", address1="서울 강남구 테헤란로 1"),
            members=members or (_member("1"),),
        )

    return build
