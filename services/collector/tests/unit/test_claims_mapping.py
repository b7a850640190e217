"""Coupang return/cancel receipts read into the boxes they name; Naver return claims."""

import pytest

from packline_collector.adapters.coupang_claims import claimed_boxes
from packline_collector.adapters.naver_mapping import read_product_order
from packline_collector.domain.remote import ELSEWHERE, MappingError


def test_a_receipt_names_its_boxes_once_and_one_naming_none_is_a_problem() -> None:
    receipt = {
        "receiptId": 7,
        "receiptType": "RETURN",
        "returnItems": [
            {"shipmentBoxId": 642538970006400001, "vendorItemId": 1},
            {"shipmentBoxId": 642538970006400001, "vendorItemId": 2},
            {"shipmentBoxId": None},
            None,
        ],
    }
    assert claimed_boxes(receipt) == ("RETURN", ["642538970006400001"])
    with pytest.raises(MappingError, match=r"receipt 8 .*no shipmentBoxId"):
        claimed_boxes({"receiptId": 8, "orderId": 9, "returnItems": None})
    with pytest.raises(MappingError):
        claimed_boxes(None)


@pytest.mark.parametrize(
    ("claim_type", "claim_status", "returned"),
    [
        ("RETURN", "RETURN_REQUEST", True),
        ("RETURN", "COLLECTING", True),
        ("RETURN", "RETURN_REJECT", False),
        (None, None, False),
        ("EXCHANGE", "EXCHANGE_REQUEST", False),
    ],
)
def test_a_naver_return_claim_after_dispatch_is_a_return(
    claim_type: str | None, claim_status: str | None, returned: bool
) -> None:
    row = {
        "order": None,
        "productOrder": {
            "productOrderId": "2026112800000002",
            "productOrderStatus": "DELIVERING",
            "claimType": claim_type,
            "claimStatus": claim_status,
        },
        "currentClaim": None,
    }
    remote = read_product_order(row, "s1")
    assert (remote.state, remote.order, remote.returned) == (ELSEWHERE, None, returned)
