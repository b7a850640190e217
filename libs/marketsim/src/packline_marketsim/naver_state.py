"""Naver Commerce product orders (상품주문) as the simulator keeps them, and their rendering."""

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from packline_marketsim import sparse
from packline_marketsim.generator import GeneratedOrder
from packline_marketsim.people import Buyer, buyer, masked_name, safe_number

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass
class NaverProductOrder:
    client_id: str
    product_order_id: str
    order_id: str
    orderer_name: str
    orderer_tel: str
    order_date: datetime
    payment_date: datetime
    product_id: str
    product_name: str
    product_option: str
    option_code: str
    seller_product_code: str
    quantity: int
    unit_price: int
    package_number: str
    shipping_memo: str
    address: dict[str, Any]
    delivery_fee: int = 0
    status: str = "PAYED"  # productOrderStatus
    place_order_status: str = "NOT_YET"  # 발주확인: NOT_YET until the seller confirms
    claim: dict[str, Any] | None = None
    delivery: dict[str, Any] | None = None
    address_changed: bool = False
    sparse: bool = False  # rendered with optional fields null or missing


def address_of(who: Buyer, road: bool, unit_style: int, rng: random.Random) -> dict[str, Any]:
    b = who.building
    tel1 = safe_number(rng) if rng.random() < 0.6 else who.mobile
    return {
        "name": who.name,
        "baseAddress": f"{b.road} {b.note}"
        if road and rng.random() < 0.4
        else (b.road if road else b.lot),
        "detailedAddress": who.unit(unit_style),
        "zipCode": b.postcode,
        "tel1": tel1,
        "tel2": "" if tel1 == who.mobile or rng.random() < 0.5 else who.mobile,
        "isRoadNameAddress": road,
        "buildingManagementNo": b.management_no,
        "addressType": "DOMESTIC",
    }


def product_orders_from(
    order: GeneratedOrder, client_id: str, first_id: int, order_id: str, rng: random.Random
) -> list[NaverProductOrder]:
    """One product order per product: Naver's shipping unit. They share orderId and
    packageNumber, and the buyer's address."""
    who = order.buyer
    address = address_of(who, order.road_address, order.unit_style, rng)
    orders = []
    for n, (p, quantity) in enumerate(order.items):
        orders.append(
            NaverProductOrder(
                client_id=client_id,
                product_order_id=str(first_id + n),
                order_id=order_id,
                orderer_name=masked_name(who.name) if order.masked_orderer else who.name,
                orderer_tel=who.mobile,
                order_date=order.ordered_at,
                payment_date=order.paid_at,
                product_id=p.naver_product_id,
                product_name=p.name,
                product_option=p.option,
                option_code=p.naver_option_code,
                seller_product_code=p.code,
                quantity=quantity,
                unit_price=p.price_krw,
                package_number=order_id,
                shipping_memo=order.message,
                address=dict(address),
                delivery_fee=order.shipping_fee_krw if n == 0 else 0,
            )
        )
    return orders


def move(po: NaverProductOrder, rng: random.Random) -> None:
    who = buyer(rng)
    while po.address["buildingManagementNo"] == who.building.management_no:
        who = buyer(rng)
    same_name = Buyer(po.address["name"], who.mobile, who.building, who.dong, who.ho)
    po.address = address_of(same_name, True, rng.randint(0, 3), rng)
    po.address_changed = True


def stamp(moment: datetime) -> str:
    """Naver's `yyyy-MM-dd'T'HH:mm:ss.SSSXXX`, in Seoul time."""
    local = moment.astimezone(SEOUL)
    return local.strftime("%Y-%m-%dT%H:%M:%S.") + f"{local.microsecond // 1000:03d}+09:00"


def render(po: NaverProductOrder, malformed: bool = False) -> dict[str, Any]:
    claim = po.claim or {}
    product_order: dict[str, Any] = {
        "productOrderId": po.product_order_id,
        "productOrderStatus": po.status,
        "placeOrderStatus": po.place_order_status,
        "productId": po.product_id,
        "productName": po.product_name,
        "productOption": po.product_option,
        "optionCode": po.option_code,
        "optionManageCode": po.seller_product_code,
        "sellerProductCode": po.seller_product_code,
        "quantity": po.quantity,
        "remainQuantity": 0 if claim else po.quantity,
        "unitPrice": po.unit_price,
        "totalProductAmount": po.unit_price * po.quantity,
        "totalPaymentAmount": po.unit_price * po.quantity,
        "deliveryFeeAmount": po.delivery_fee,
        "packageNumber": po.package_number,
        "shippingMemo": po.shipping_memo,
        "shippingAddress": dict(po.address),
        "claimType": claim.get("claimType"),
        "claimStatus": claim.get("claimStatus"),
    }
    if malformed:
        product_order["quantity"] = "one"
        product_order["shippingAddress"].pop("baseAddress", None)
    row = {
        "order": {
            "orderId": po.order_id,
            "ordererName": po.orderer_name,
            "ordererTel": po.orderer_tel,
            "orderDate": stamp(po.order_date),
            "paymentDate": stamp(po.payment_date),
        },
        "productOrder": product_order,
        "delivery": dict(po.delivery) if po.delivery else None,
        "currentClaim": dict(claim) if claim else None,
    }
    return sparse.naver(row, po.product_order_id) if po.sparse else row


def status_row(po: NaverProductOrder, order_id: str, change: str, at: datetime) -> dict[str, Any]:
    """One row of last-changed-statuses."""
    claim = po.claim or {}
    return {
        "orderId": order_id,
        "productOrderId": po.product_order_id,
        "lastChangedType": change,
        "lastChangedDate": stamp(at),
        "paymentDate": stamp(po.payment_date),
        "productOrderStatus": po.status,
        "claimType": claim.get("claimType"),
        "claimStatus": claim.get("claimStatus"),
        "receiverAddressChanged": po.address_changed,
        "giftReceivingStatus": None,
    }
