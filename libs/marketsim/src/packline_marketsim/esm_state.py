"""ESM (Gmarket and Auction) orders as the simulator keeps them, and their rendering. One order
number (OrderNo, 주문번호) per item bought: it is what ESM confirms (주문확인) and ships by
(발송처리); a basket paid at once shares PayNo (장바구니번호), and items that ship together under
one shipping-fee policy share GroupNo (묶음배송비 번호)."""

import random
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from packline_marketsim import sparse
from packline_marketsim.generator import GeneratedOrder
from packline_marketsim.people import masked_name, safe_number

SEOUL = ZoneInfo("Asia/Seoul")
AUCTION, GMARKET = 1, 2  # siteType of the order API
SITE_OF = {"AUCTION": AUCTION, "GMARKET": GMARKET}
SITE_NAMES = {site: name for name, site in SITE_OF.items()}
# OrderStatus: 1 결제완료 (not yet confirmed), 2 배송준비중, 3 배송중, 4 배송완료, 5 구매결정완료
NEW, PREPARING, SHIPPING, DELIVERED, DECIDED = 1, 2, 3, 4, 5


@dataclass
class EsmOrder:
    master_id: str
    site: int
    seller_id: str
    order_no: int
    pay_no: int
    group_no: int
    order_date: datetime
    pay_date: datetime
    goods_no: str  # SiteGoodsNo
    goods_name: str
    out_goods_no: str  # OutGoodsNo: the seller's own code
    option_value: str
    option_code: str
    quantity: int
    unit_price: int
    shipping_fee: int
    buyer_name: str
    buyer_mobile: str
    receiver: dict[str, str]
    memo: str
    status: int = NEW
    confirmed_at: datetime | None = None
    shipped_at: datetime | None = None
    courier: str = ""  # TakbaeName
    invoice: str = ""  # NoSongjang
    cancel: dict[str, Any] | None = None  # {CancelStatus, RequestDate, ...} once the buyer asks
    address_changed: bool = False  # since collection: OrderCheck answers IsChanged=1
    sparse: bool = False


def stamp(moment: datetime | None) -> str | None:
    """ESM's `yyyy-MM-ddTHH:mm:ss`, Seoul time without an offset."""
    return None if moment is None else moment.astimezone(SEOUL).strftime("%Y-%m-%dT%H:%M:%S")


def _money(value: int) -> str:
    return f"{value}.0000"


def receiver_of(order: GeneratedOrder, rng: random.Random) -> dict[str, str]:
    who, b = order.buyer, order.buyer.building
    front = b.road if order.road_address else b.lot
    back = who.unit(order.unit_style)
    hp = safe_number(rng) if rng.random() < 0.6 else who.mobile
    return {
        "ReceiverName": who.name,
        "HpNo": hp,
        "TelNo": who.mobile if hp != who.mobile and rng.random() < 0.5 else "",
        "ZipCode": b.postcode,
        "DelFrontAddress": front,
        "DelBackAddress": back,
        "DelFullAddress": f"{front} {back}".strip(),
    }


def orders_from(
    order: GeneratedOrder,
    master_id: str,
    site: int,
    seller_id: str,
    first_no: int,
    pay_no: int,
    rng: random.Random,
) -> list[EsmOrder]:
    receiver = receiver_of(order, rng)
    found = []
    for n, (p, quantity) in enumerate(order.items):
        found.append(
            EsmOrder(
                master_id=master_id,
                site=site,
                seller_id=seller_id,
                order_no=first_no + n,
                pay_no=pay_no,
                group_no=pay_no // 2,
                order_date=order.ordered_at,
                pay_date=order.paid_at,
                goods_no=p.gmarket_goods_no if site == GMARKET else p.auction_goods_no,
                goods_name=p.name,
                out_goods_no=p.code,
                option_value=p.option,
                option_code=p.esm_option_code,
                quantity=quantity,
                unit_price=p.price_krw,
                shipping_fee=order.shipping_fee_krw if n == 0 else 0,
                buyer_name=masked_name(order.buyer.name)
                if order.masked_orderer
                else order.buyer.name,
                buyer_mobile=order.buyer.mobile,
                receiver=dict(receiver),
                memo=order.message,
            )
        )
    return found


def render(o: EsmOrder, malformed: bool = False) -> dict[str, Any]:
    row: dict[str, Any] = {
        "SiteType": o.site,
        "PayNo": o.pay_no,
        "GroupNo": o.group_no,
        "OrderNo": o.order_no,
        "OrderStatus": o.status,
        "OrderDate": stamp(o.order_date),
        "PayDate": stamp(o.pay_date),
        "OrderConfirmDate": stamp(o.confirmed_at),
        "TransDate": stamp(o.shipped_at),
        "TransDueDate": stamp(o.pay_date.replace(hour=23, minute=59, second=59)),
        "SellerId": o.seller_id,
        "SiteGoodsNo": o.goods_no,
        "OutGoodsNo": o.out_goods_no,
        "GoodsName": o.goods_name,
        "SalePrice": _money(o.unit_price),
        "ContrAmount": o.quantity,
        "OrderAmount": _money(o.unit_price * o.quantity),
        "AcntMoney": _money(o.unit_price * o.quantity + o.shipping_fee),
        "ShippingFee": _money(o.shipping_fee),
        "DeliveryFeeCondition": "X" if o.shipping_fee == 0 else "R",
        "BuyerName": o.buyer_name,
        "BuyerId": o.buyer_name[:1] + "***",
        "BuyerMobileTel": o.buyer_mobile,
        **o.receiver,
        "DelMemo": o.memo,
        "TakbaeName": o.courier or None,
        "NoSongjang": o.invoice or None,
        "ItemOptionSelectList": [
            {
                "ItemOptionValue": o.option_value,
                "ItemOptionOrderCnt": o.quantity,
                "ItemOptionCode": o.option_code,
            }
        ]
        if o.option_code
        else [],
        "ItemOptionAdditionList": [],
    }
    if malformed:
        row["ContrAmount"] = "one"
        row.pop("DelFrontAddress", None)
    return sparse.esm(row, o.order_no) if o.sparse else row


def cancel_row(o: EsmOrder) -> dict[str, Any]:
    """One row of the cancel inquiry (취소조회)."""
    claim = o.cancel or {}
    return {
        "OrderNo": o.order_no,
        "PayNo": o.pay_no,
        "SiteGoodsNo": o.goods_no,
        "CancelStatus": claim.get("CancelStatus"),
        "CancelReason": claim.get("CancelReason"),
        "RequestDate": stamp(claim.get("RequestDate")),
        "CancelCompleteDate": stamp(claim.get("CompleteDate")),
        "ContrAmount": o.quantity,
    }
