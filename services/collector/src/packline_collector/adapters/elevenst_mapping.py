"""11st order rows read into RemoteOrders: one order per dlvNo (배송번호, the shipping unit that
bundles lines), one line per ordNo + ordPrdSeq keeping prdNo and the option for matching."""

from collections.abc import Iterable
from typing import Any

from pydantic import ValidationError

from packline_collector.adapters.elevenst_client import Row
from packline_collector.adapters.money import field_errors, krw, whole
from packline_collector.domain.orders import NewOrder
from packline_collector.domain.remote import (
    AWAITING_SHIPMENT,
    CANCELLED,
    MappingError,
    RemoteOrder,
)
from packline_contracts import Marketplace, OrderRef

# ordPrdStat (주문번호별 배송정보): 701 취소처리중, B01 주문취소, C01 수취확인후주문취소,
# A01 반품완료; 601 클레임진행중 may be a return or an exchange
CANCELLED_STATUSES = frozenset({"701", "B01", "C01"})
AWAITING_STATUSES = frozenset({"202", "301"})


def line_id(row: Row) -> str:
    return f"{row.get('ordNo', '')}-{row.get('ordPrdSeq', '')}"


def ord_no(line: str) -> str:
    """The ordNo of one of our 11st line ids (`ordNo-ordPrdSeq`)."""
    return line.rsplit("-", 1)[0]


def bundles(rows: Iterable[Row]) -> dict[str, list[Row]]:
    """The rows by dlvNo, each line once (a row read twice, or in two lists, counts once)."""
    found: dict[str, dict[str, Row]] = {}
    for row in rows:
        found.setdefault(row.get("dlvNo", ""), {}).setdefault(line_id(row), row)
    return {dlv_no: list(lines.values()) for dlv_no, lines in found.items()}


def _line(row: Row, where: str) -> dict[str, Any]:
    prd_no = row.get("prdNo", "")
    if not prd_no.isdigit():
        raise MappingError(f"{where}: prdNo is missing or not a number")
    quantity = whole(row.get("ordQty"), f"{where}: ordQty")
    return {
        "line_id": line_id(row),
        "listing_id": prd_no,
        # the ordered option's stock number when 11st names it, else its wording
        "option_id": (row.get("prdStckNo") or row.get("slctPrdOptNm") or "")[:64],
        "product_name": row.get("prdNm", "")[:300],
        "option_name": row.get("slctPrdOptNm", "")[:300],
        "seller_sku_code": (row.get("sellerPrdCd") or row.get("sellerStockCd") or "")[:64],
        "quantity": quantity,
        "unit_price_krw": krw(row.get("selPrc"), f"{where}: selPrc"),
        "amount_krw": krw(row.get("ordAmt") or None, f"{where}: ordAmt", 0),
    }


def _recipient(row: Row) -> dict[str, Any]:
    building = "".join(c for c in row.get("typeBilNo", "") if c.isdigit())
    return {
        "name": row.get("rcvrNm", ""),
        "phone": row.get("rcvrTlphn", ""),
        "mobile": row.get("rcvrPrtblNo", ""),
        "postcode": row.get("rcvrMailNo", ""),
        "address1": row.get("rcvrBaseAddr", ""),
        "address2": row.get("rcvrDtlsAddr", ""),
        "message": row.get("ordDlvReqCont", "")[:300],
        "building_management_no": building if 20 <= len(building) <= 32 else "",
    }


def read_bundle(
    dlv_no: str, rows: list[Row], seller_id: str, cancelled: frozenset[str] = frozenset()
) -> RemoteOrder:
    """The lines of one dlvNo still to ship; `cancelled` names lines a cancel request holds."""
    if not dlv_no.isdigit():
        orders = sorted({r.get("ordNo", "") for r in rows})
        raise MappingError(f"order {', '.join(orders)}: a line without a numeric dlvNo")
    first = rows[0]
    where = f"order {first.get('ordNo', '')} (dlvNo {dlv_no})"
    ref = OrderRef(
        seller_id=seller_id, marketplace=Marketplace.ELEVENST, marketplace_order_id=dlv_no
    )
    live = [r for r in rows if line_id(r) not in cancelled]
    held = tuple(line_id(r) for r in rows if line_id(r) in cancelled)
    if not live:
        return RemoteOrder(ref, CANCELLED, None, held, "취소요청")
    try:
        lines = [
            _line(r, f"order {r.get('ordNo', '')} line {r.get('ordPrdSeq', '')}") for r in live
        ]
        fee = max(krw(r.get("dlvCst") or None, f"{where}: dlvCst", 0) for r in rows)
        new = NewOrder.model_validate(
            {
                "seller_id": seller_id,
                "marketplace": "ELEVENST",
                "marketplace_order_id": dlv_no,
                "marketplace_order_no": first.get("ordNo", "")[:64],
                "ordered_at": first.get("ordDt") or first.get("ordStlEndDt"),
                "paid_at": first.get("ordStlEndDt") or first.get("ordDt"),
                "recipient": _recipient(first),
                "orderer_name": first.get("ordNm", "")[:100],
                "lines": lines,
                "shipping_fee_krw": fee,
            }
        )
    except ValidationError as exc:
        raise MappingError(f"{where}: {field_errors(exc)}") from exc
    return RemoteOrder(ref, AWAITING_SHIPMENT, new, held, "취소요청" if held else "")


def cancelled_bundle(
    dlv_no: str, seller_id: str, lines: tuple[str, ...], claim: str
) -> RemoteOrder:
    """A dlvNo every line of which is cancelled (or being cancelled) at 11st."""
    ref = OrderRef(
        seller_id=seller_id, marketplace=Marketplace.ELEVENST, marketplace_order_id=dlv_no
    )
    return RemoteOrder(ref, CANCELLED, None, lines, claim, from_claim=True)
