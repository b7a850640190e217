"""주문등록: one order typed in, an Excel/CSV file of orders (all or nothing: the collector
names every problem by row and column), today's count per marketplace, and deleting one
uploaded file's orders. Every call goes to the collector as the signed-in person."""

from datetime import datetime
from typing import Any

from packline_console.adapters.services import Services
from packline_console.domain.accounts import User

MARKETPLACES = {
    "COUPANG": "쿠팡",
    "NAVER": "네이버 스마트스토어",
    "ELEVENST": "11번가",
    "GMARKET": "G마켓",
    "AUCTION": "옥션",
    "OWN_SHOP": "자사몰",
}
SOURCES = {"API": "API 수집", "EXCEL": "엑셀", "MANUAL": "개별등록", "FILE": "파일"}


def _seller(user: User) -> dict[str, str]:
    return {"seller_id": user.seller_id} if user.seller_id else {}


async def registered_today(services: Services, user: User) -> dict[str, Any]:
    found: dict[str, Any] = await services.get(
        user, "collector", "/orders/registered-today", **_seller(user)
    )
    return found


def one_order(
    marketplace: str,
    order_id: str,
    ordered_at: datetime,
    paid_at: datetime,
    recipient: dict[str, str],
    line: dict[str, Any],
    orderer_name: str,
    shipping_fee_krw: int,
) -> dict[str, Any]:
    """The collector's order body for a form of one order with one line."""
    return {
        "marketplace": marketplace,
        "marketplace_order_id": order_id,
        "ordered_at": ordered_at.isoformat(),
        "paid_at": paid_at.isoformat(),
        "recipient": recipient,
        "orderer_name": orderer_name,
        "lines": [{"line_id": "1", **line}],
        "shipping_fee_krw": shipping_fee_krw,
    }


async def register_one(services: Services, user: User, order: dict[str, Any]) -> bool:
    """True when registered now, False when the order was there already."""
    done = await services.call(
        user, "collector", "POST", "/orders", json={**_seller(user), **order}
    )
    return bool(done.get("created"))


# the files the collector's 엑셀등록 reads, as its answer's `source` names them
FILE_SOURCES = {
    "TEMPLATE": "Packline 양식",
    "COUPANG_WING": "쿠팡 WING 주문 목록 (배송관리 엑셀)",
    "NAVER_SMARTSTORE": "네이버 스마트스토어 주문 엑셀 (발주발송관리/주문통합검색, 비밀번호 파일 가능)",
    "ELEVENST": "11번가 발송처리 주문 엑셀",
}


async def upload(
    services: Services, user: User, content: bytes, password: str = ""
) -> dict[str, Any]:
    """The file as the collector reads it; a protected file's password goes in a header (never
    a query parameter, which access logs keep)."""
    done: dict[str, Any] = await services.call(
        user,
        "collector",
        "POST",
        "/orders/excel",
        params=_seller(user),
        content=content,
        headers={"x-file-password": password} if password else None,
    )
    return done


async def batches(
    services: Services, user: User, limit: int, offset: int
) -> tuple[list[dict[str, Any]], bool]:
    """The seller's Excel uploads, newest first, with what is left of each to delete."""
    found = await services.get(
        user, "collector", "/orders/excel/batches", limit=limit, offset=offset, **_seller(user)
    )
    items = found.get("items", []) if isinstance(found, dict) else []
    return list(items), isinstance(found, dict) and found.get("next_offset") is not None


async def delete_batch(
    services: Services, user: User, batch_id: str, skip_past_matching: bool
) -> dict[str, Any]:
    params = {"skip_past_matching": "true" if skip_past_matching else "false"}
    done: dict[str, Any] = await services.call(
        user, "collector", "DELETE", f"/orders/excel/batches/{batch_id}", params=params
    )
    return done
