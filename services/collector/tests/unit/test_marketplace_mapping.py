"""Marketplace rows into orders: shippable quantities, both money forms, ids as text, Seoul
times in UTC, seller SKU codes; a broken row is named, not guessed."""

from datetime import UTC, datetime

import pytest

from packline_collector.adapters.coupang_mapping import read_box
from packline_collector.adapters.coupang_signing import authorization
from packline_collector.adapters.naver_mapping import read_product_order
from packline_collector.adapters.naver_signing import client_secret_sign
from packline_collector.domain.remote import CANCELLED, MappingError


def _box(**over: object) -> dict[str, object]:
    item = {
        "vendorItemId": 700512345011,
        "sellerProductId": 13257461,
        "sellerProductName": "유기농 현미",
        "sellerProductItemName": "5kg",
        "shippingCount": 3,
        "cancelCount": 1,
        "holdCountForCancel": 1,
        "salesPrice": {"currencyCode": "KRW", "units": 32900, "nanos": 0},
        "orderPrice": {"currencyCode": "KRW", "units": 98700, "nanos": 0},
        "discountPrice": 0,
        "externalVendorSkuCode": "RICE-5KG",
    }
    box = {
        "shipmentBoxId": 642538970006401429,
        "orderedAt": "2026-11-28T09:00:00",
        "paidAt": "2026-11-28T09:05:00+09:00",
        "status": "ACCEPT",
        "orderer": {"name": "신*희"},
        "parcelPrintMessage": "문 앞",
        "receiver": {
            "name": "신영희",
            "safeNumber": "0503-1234-5678",
            "receiverNumber": None,
            "addr1": "서울특별시 강남구 역삼동 737",
            "addr2": "12층",
            "postCode": "135-984",
        },
        "orderItems": [item],
        "shippingPrice": 3000,
    }
    box.update(over)
    return box


def test_a_coupang_box_ships_what_is_left_after_cancel_and_hold_in_either_money_form() -> None:
    remote = read_box(_box(), "s1")
    assert remote.order is not None
    line = remote.order.lines[0]
    assert remote.ref.marketplace_order_id == "642538970006401429"
    assert (line.quantity, line.unit_price_krw, line.amount_krw) == (1, 32900, 32900)
    assert (line.listing_id, line.option_id, line.seller_sku_code) == (
        "13257461",
        "700512345011",
        "RICE-5KG",
    )
    assert remote.order.ordered_at == datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    assert remote.order.paid_at == datetime(2026, 11, 28, 0, 5, tzinfo=UTC)
    assert remote.order.recipient.mobile == "0503-1234-5678"
    assert remote.cancelled_lines == ("700512345011",)


def test_a_fully_cancelled_box_is_a_cancellation_not_an_order() -> None:
    box = _box()
    box["orderItems"][0]["cancelCount"] = 3  # type: ignore[index]
    remote = read_box(box, "s1")
    assert remote.order is None and remote.state == CANCELLED


def test_a_broken_box_is_named_by_id_and_field() -> None:
    box = _box()
    box["orderItems"][0]["shippingCount"] = "one"  # type: ignore[index]
    with pytest.raises(
        MappingError, match=r"box 642538970006401429: orderItems\[0\].shippingCount"
    ):
        read_box(box, "s1")


def test_a_naver_product_order_under_a_cancel_claim_is_a_cancellation() -> None:
    row = {
        "order": {"orderId": "1", "paymentDate": "2026-11-28T09:05:00.000+09:00"},
        "productOrder": {
            "productOrderId": "2026112800000001",
            "productOrderStatus": "PAYED",
            "claimStatus": "CANCEL_REQUEST",
            "quantity": 1,
        },
    }
    remote = read_product_order(row, "s1")
    assert remote.fully_cancelled and remote.claim == "CANCEL_REQUEST"


def _payed(address: dict[str, object]) -> dict[str, object]:
    return {
        "order": {"orderId": "1", "paymentDate": "2026-11-28T09:05:00.000+09:00"},
        "productOrder": {
            "productOrderId": "2026112800000002",
            "productOrderStatus": "PAYED",
            "productId": "7001",
            "quantity": 1,
            "unitPrice": 10000,
            "totalPaymentAmount": 10000,
            "shippingAddress": {
                "name": "신영희",
                "baseAddress": "서울특별시 강남구 테헤란로 152",
                "detailedAddress": "12층",
                "zipCode": "06236",
                "tel1": "0503-1234-5678",
                **address,
            },
        },
    }


def test_a_naver_address_carries_its_building_number_and_road_flag() -> None:
    remote = read_product_order(
        _payed({"buildingManagementNo": "1168010100107370000000001", "isRoadNameAddress": True}),
        "s1",
    )
    assert remote.order is not None
    recipient = remote.order.recipient
    assert recipient.building_management_no == "1168010100107370000000001"
    assert recipient.road_name_address is True
    assert (recipient.address1, recipient.address2) == ("서울특별시 강남구 테헤란로 152", "12층")


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ({}, ("", None)),
        ({"buildingManagementNo": None, "isRoadNameAddress": None}, ("", None)),
        ({"buildingManagementNo": "", "isRoadNameAddress": "false"}, ("", False)),
        ({"buildingManagementNo": "12-34", "isRoadNameAddress": "yes"}, ("", None)),
        ({"buildingManagementNo": 1168010100107370000000001}, ("1168010100107370000000001", None)),
    ],
)
def test_a_missing_or_odd_building_number_or_flag_is_dropped_not_refused(
    sent: dict[str, object], kept: tuple[str, bool | None]
) -> None:
    remote = read_product_order(_payed(sent), "s1")
    assert remote.order is not None
    recipient = remote.order.recipient
    assert (recipient.building_management_no, recipient.road_name_address) == kept


def test_naver_sign_matches_the_official_example() -> None:
    assert client_secret_sign("aaaabbbbcccc", 1643961623299, "$2a$10$abcdefghijklmnopqrstuv") == (
        "JDJhJDEwJGFiY2RlZmdoaWprbG1ub3BxcnN0dXVCVldZSk42T0VPdEx1OFY0cDQxa2IuTnpVaUEzbmsy"
    )


def test_coupang_authorization_matches_an_independent_hmac() -> None:
    header = authorization(
        "ak",
        "secret-key-0123",
        "GET",
        "/v2/providers/openapi/apis/api/v4/vendors/A00012345/ordersheets",
        "createdAtFrom=2026-11-27&createdAtTo=2026-11-28&status=ACCEPT",
        now=datetime(2026, 11, 28, 2, 15, tzinfo=UTC),
    )
    assert header == (
        "CEA algorithm=HmacSHA256, access-key=ak, signed-date=261128T021500Z, "
        "signature=cc33602c8191b922dbf8b4eafa5e12055c64095015865ab6b7b0a635184b84c9"
    )


def test_a_recipient_change_travels_on_the_partition_the_order_was_collected_on() -> None:
    import uuid

    from packline_contracts import OrderRecipientChanged, Recipient, Topic, partition_key, topic_for

    remote = read_box(_box(), "s1")
    assert remote.order is not None
    event = OrderRecipientChanged(
        seller_id="s1",
        correlation_id=uuid.uuid4(),
        order=remote.ref,
        recipient_key="a" * 32,
        new_recipient_key=remote.order.recipient_key(),
        recipient=Recipient(name="신영희", address1="부산광역시 해운대구 센텀중앙로 79"),
    )
    assert partition_key(event) == "a" * 32
    assert topic_for(event) is Topic.ORDER_RECIPIENT_CHANGED
