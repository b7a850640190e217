"""An ESM order (Gmarket or Auction) read into a RemoteOrder: one order per OrderNo (주문번호),
the number ESM confirms and ships by; PayNo (장바구니번호) is kept as the marketplace order
number. Money comes as decimal text ("32900.0000"), times as Seoul time without an offset."""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from packline_collector.adapters.esm_client import GMARKET, SEOUL
from packline_collector.adapters.money import field_errors, whole
from packline_collector.domain.orders import NewOrder
from packline_collector.domain.remote import (
    AWAITING_SHIPMENT,
    CANCELLED,
    ELSEWHERE,
    MappingError,
    RemoteOrder,
)
from packline_contracts import Marketplace, OrderRef

AWAITING = {1, 2}  # 결제완료 (not yet confirmed), 배송준비중
WITHDRAWN = 4  # CancelStatus 4: the buyer withdrew the cancel request (철회)


def marketplace_of(site: int) -> Marketplace:
    return Marketplace.GMARKET if site == GMARKET else Marketplace.AUCTION


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def krw(value: Any, where: str, default: int | None = None) -> int:
    """ESM writes amounts as "1000.0000" (sometimes a number); whole won only."""
    if value is None or value == "":
        if default is None:
            raise MappingError(f"{where} is missing")
        return default
    if isinstance(value, bool):
        raise MappingError(f"{where}: expected an amount, got true/false")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise MappingError(f"{where}: expected an amount, got {type(value).__name__}") from None
    if amount != amount.to_integral_value():
        raise MappingError(f"{where}: {amount} is not a whole number of won")
    return int(amount)


def moment(value: Any, where: str) -> datetime | None:
    text = _text(value).strip()
    if not text:
        return None
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        raise MappingError(f"{where}: not a date-time") from None
    return found if found.tzinfo else found.replace(tzinfo=SEOUL)


def order_no_of(row: Any) -> str:
    order_no = _text(row.get("OrderNo") if isinstance(row, dict) else None)
    if not order_no.isdigit():
        raise MappingError("an order without a numeric OrderNo")
    return order_no


def ref_of(site: int, seller_id: str, order_no: str) -> OrderRef:
    return OrderRef(
        seller_id=seller_id, marketplace=marketplace_of(site), marketplace_order_id=order_no
    )


def cancelled(site: int, seller_id: str, row: dict[str, Any]) -> RemoteOrder | None:
    """A 취소조회 row: the order stops shipping unless the cancel was withdrawn."""
    order_no = order_no_of(row)
    status = row.get("CancelStatus")
    if status == WITHDRAWN:
        return None
    claim = f"ESM CancelStatus {status}"
    ref = ref_of(site, seller_id, order_no)
    return RemoteOrder(ref, CANCELLED, None, (order_no,), claim, from_claim=True)


def _option(row: dict[str, Any]) -> tuple[str, str]:
    """(ItemOptionCode, ItemOptionValue) of the chosen options, joined when several."""
    chosen = [o for o in row.get("ItemOptionSelectList") or [] if isinstance(o, dict)]
    codes = [_text(o.get("ItemOptionCode")) for o in chosen if o.get("ItemOptionCode")]
    values = [_text(o.get("ItemOptionValue")) for o in chosen if o.get("ItemOptionValue")]
    return "/".join(codes)[:64], " / ".join(values)[:300]


def read_order(row: Any, site: int, seller_id: str) -> RemoteOrder:
    order_no = order_no_of(row)
    ref = ref_of(site, seller_id, order_no)
    status = row.get("OrderStatus")
    if status not in AWAITING:
        return RemoteOrder(ref, ELSEWHERE, None)
    where = f"order {order_no}"
    quantity = whole(row.get("ContrAmount"), f"{where}: ContrAmount")
    unit = krw(row.get("SalePrice"), f"{where}: SalePrice")
    amount = krw(row.get("OrderAmount"), f"{where}: OrderAmount", unit * quantity)
    paid = moment(row.get("PayDate"), f"{where}: PayDate")
    option_id, option_name = _option(row)
    try:
        new = NewOrder.model_validate(
            {
                "seller_id": seller_id,
                "marketplace": marketplace_of(site).value,
                "marketplace_order_id": order_no,
                "marketplace_order_no": _text(row.get("PayNo")),
                "ordered_at": moment(row.get("OrderDate"), f"{where}: OrderDate") or paid,
                "paid_at": paid,
                "recipient": {
                    "name": _text(row.get("ReceiverName")),
                    "phone": _text(row.get("TelNo")),
                    "mobile": _text(row.get("HpNo")),
                    "postcode": _text(row.get("ZipCode")),
                    "address1": _text(row.get("DelFrontAddress")),
                    "address2": _text(row.get("DelBackAddress")),
                    "message": _text(row.get("DelMemo"))[:300],
                },
                "orderer_name": _text(row.get("BuyerName"))[:100],
                "lines": [
                    {
                        "line_id": order_no,
                        "listing_id": _text(row.get("SiteGoodsNo")),
                        "option_id": option_id,
                        "product_name": _text(row.get("GoodsName"))[:300],
                        "option_name": option_name,
                        "seller_sku_code": _text(row.get("OutGoodsNo"))[:64],
                        "quantity": quantity,
                        "unit_price_krw": unit,
                        "amount_krw": amount,
                    }
                ],
                "shipping_fee_krw": krw(row.get("ShippingFee"), f"{where}: ShippingFee", 0),
            }
        )
    except ValidationError as exc:
        raise MappingError(f"{where}: {field_errors(exc)}") from exc
    return RemoteOrder(ref, AWAITING_SHIPMENT, new)
