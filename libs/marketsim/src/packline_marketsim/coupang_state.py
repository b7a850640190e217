"""Coupang WING shipment boxes (배송 단위) as the simulator keeps them, and what buyers do to them."""

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from packline_marketsim.generator import GeneratedOrder
from packline_marketsim.people import Buyer, buyer, masked_name, masked_phone, safe_number

STATUSES = ("ACCEPT", "INSTRUCT", "DEPARTURE", "DELIVERING", "FINAL_DELIVERY", "NONE_TRACKING")


@dataclass
class CoupangItem:
    vendor_item_id: str
    vendor_item_name: str
    seller_product_id: str
    seller_product_name: str
    seller_product_item_name: str
    shipping_count: int
    sales_price: int
    external_vendor_sku_code: str
    cancel_count: int = 0
    hold_count_for_cancel: int = 0
    invoice_number: str = ""


@dataclass
class CoupangClaim:
    """One 반품/취소 접수 (receipt): a cancel before 발주확인 (CANCEL), a release stop once
    INSTRUCT, or a return after shipping (both RETURN in Coupang's returnRequests)."""

    receipt_id: int
    receipt_type: str  # CANCEL or RETURN
    receipt_status: str  # e.g. CANCEL_COMPLETED, RELEASE_STOP_UNCHECKED, RETURNS_UNCHECKED
    created_at: datetime
    items: list[tuple[CoupangItem, int]]  # (item, units claimed)
    reason: str = "단순변심"


@dataclass
class CoupangBox:
    vendor_id: str
    shipment_box_id: int  # 18 digits since 2024-11
    order_id: int
    ordered_at: datetime
    paid_at: datetime
    receiver: dict[str, Any]
    orderer: dict[str, Any]
    message: str
    shipping_price: int
    items: list[CoupangItem]
    status: str = "ACCEPT"
    delivery_company_code: str = ""
    invoice_number: str = ""
    history: list[str] = field(default_factory=list)
    claims: list[CoupangClaim] = field(default_factory=list)
    sparse: bool = False  # rendered with optional fields null or missing

    def fully_cancelled(self) -> bool:
        return all(i.cancel_count + i.hold_count_for_cancel >= i.shipping_count for i in self.items)


def receiver_of(who: Buyer, road: bool, unit_style: int, rng: random.Random) -> dict[str, Any]:
    b = who.building
    unit = who.unit(unit_style)
    if road:
        addr1, addr2 = b.road, f"{unit} {b.note}" if rng.random() < 0.5 else unit
    else:
        addr1, addr2 = b.lot, unit
    postcode = b.old_postcode if not road and rng.random() < 0.6 else b.postcode
    # the real number is hidden behind a per-order 안심번호 (safe number)
    return {
        "name": who.name,
        "safeNumber": safe_number(rng),
        "receiverNumber": None,
        "addr1": addr1,
        "addr2": addr2,
        "postCode": postcode,
    }


def box_from(
    order: GeneratedOrder, vendor_id: str, box_id: int, order_id: int, rng: random.Random
) -> CoupangBox:
    who = order.buyer
    orderer_phone = safe_number(rng)
    orderer = {
        "name": masked_name(who.name) if order.masked_orderer else who.name,
        "email": f"{who.mobile[-4:]}**@coupang.test",
        "safeNumber": masked_phone(orderer_phone) if order.masked_orderer else orderer_phone,
        "ordererNumber": None,
    }
    items = [
        CoupangItem(
            vendor_item_id=p.coupang_item_id,
            vendor_item_name=f"{p.name}, {p.option}",
            seller_product_id=p.coupang_product_id,
            seller_product_name=p.name,
            seller_product_item_name=p.option,
            shipping_count=quantity,
            sales_price=p.price_krw,
            external_vendor_sku_code=p.code,
        )
        for p, quantity in order.items
    ]
    return CoupangBox(
        vendor_id,
        box_id,
        order_id,
        order.ordered_at,
        order.paid_at,
        receiver_of(who, order.road_address, order.unit_style, rng),
        orderer,
        order.message,
        order.shipping_fee_krw,
        items,
    )


def move(box: CoupangBox, rng: random.Random) -> None:
    """The buyer changed the delivery address (allowed while ACCEPT)."""
    who = buyer(rng)
    while box.receiver["addr1"] in (who.building.road, who.building.lot):
        who = buyer(rng)
    same_name = Buyer(box.receiver["name"], who.mobile, who.building, who.dong, who.ho)
    new = receiver_of(same_name, True, rng.randint(0, 3), rng)
    box.receiver.update({k: v for k, v in new.items() if k != "safeNumber"})
    box.history.append("ADDRESS_CHANGED")


def _claim(
    box: CoupangBox, type_: str, status: str, claimed: list[tuple[CoupangItem, int]]
) -> None:
    if claimed:
        receipt = (box.shipment_box_id % 10**9) * 100 + len(box.claims) + 1
        box.claims.append(CoupangClaim(receipt, type_, status, datetime.now(UTC), claimed))


def cancel(box: CoupangBox, vendor_item_id: str | None, count: int | None) -> None:
    """A buyer's cancellation: immediate while ACCEPT (cancelCount, a CANCEL receipt), held
    for the seller to stop the shipment once INSTRUCT (holdCountForCancel, a RETURN receipt
    asking for a release stop, 출고중지요청). Each is listed by returnRequests."""
    claimed = []
    for item in box.items:
        if vendor_item_id and item.vendor_item_id != vendor_item_id:
            continue
        left = item.shipping_count - item.cancel_count - item.hold_count_for_cancel
        n = min(left, count if count is not None else left)
        if box.status == "ACCEPT":
            item.cancel_count += n
        else:
            item.hold_count_for_cancel += n
        if n:
            claimed.append((item, n))
    if box.status == "ACCEPT":
        _claim(box, "CANCEL", "CANCEL_COMPLETED", claimed)
    elif box.status == "INSTRUCT":
        _claim(box, "RETURN", "RELEASE_STOP_UNCHECKED", claimed)
    box.history.append("CANCELLED")


def request_return(box: CoupangBox, vendor_item_id: str | None = None) -> bool:
    """A buyer's return request (반품접수) after the box left; False before it shipped."""
    if box.status in ("ACCEPT", "INSTRUCT"):
        return False
    claimed = [
        (i, i.shipping_count - i.cancel_count)
        for i in box.items
        if (not vendor_item_id or i.vendor_item_id == vendor_item_id)
        and i.shipping_count > i.cancel_count
    ]
    _claim(box, "RETURN", "RETURNS_UNCHECKED", claimed)
    box.history.append("RETURN_REQUESTED")
    return bool(claimed)
