"""주문수집: the seller's marketplace accounts (keys masked by the collector, never shown here),
collection runs for a period and marketplaces (the collector's jobs) and the attention list.
Every call goes to the collector as the signed-in person."""

from datetime import datetime
from typing import Any

from packline_console.adapters.services import Services
from packline_console.domain.accounts import User

API_MARKETPLACES = {"COUPANG": "쿠팡", "NAVER": "네이버 스마트스토어", "ELEVENST": "11번가"}
JOB_STATUS = {
    "RUNNING": "진행 중",
    "SUCCEEDED": "완료",
    "PARTIAL": "일부 실패",
    "FAILED": "실패",
}
ATTENTION_KINDS = {
    "RECIPIENT_CHANGED": "수취인 정보 변경",
    "PARTIAL_CANCEL": "부분 취소",
    "CANCELLED_AFTER_SHIPPING": "출고 후 취소 (반품)",
    "RETURN_REQUESTED": "반품 요청",
}
KEY_FIELDS = {
    "COUPANG": ("vendor_id", "access_key", "secret_key"),
    "NAVER": ("client_id", "client_secret"),
    "ELEVENST": ("seller_login", "api_key"),
}


def _seller(user: User) -> dict[str, str]:
    return {"seller_id": user.seller_id} if user.seller_id else {}


async def accounts(services: Services, user: User) -> list[dict[str, Any]]:
    found = await services.get(user, "collector", "/accounts", limit=100, **_seller(user))
    return list(found.get("items", []))


async def add_account(
    services: Services, user: User, marketplace: str, name: str, keys: dict[str, str]
) -> dict[str, Any]:
    """Only the keys the marketplace uses are sent; they go in and never come back."""
    body: dict[str, Any] = {"marketplace": marketplace, "name": name, **_seller(user)}
    body |= {k: v for k, v in keys.items() if k in KEY_FIELDS.get(marketplace, ()) and v}
    added: dict[str, Any] = await services.call(user, "collector", "POST", "/accounts", json=body)
    return added


async def change_account(
    services: Services, user: User, account_id: str, enabled: bool, interval_minutes: int | None
) -> dict[str, Any]:
    body: dict[str, Any] = {"enabled": enabled}
    if interval_minutes is not None:
        body["interval_minutes"] = interval_minutes
    changed: dict[str, Any] = await services.call(
        user, "collector", "PATCH", f"/accounts/{account_id}", json=body
    )
    return changed


async def run(
    services: Services, user: User, marketplaces: list[str], start: datetime, end: datetime
) -> str:
    """Starts a collection; the collector answers at once with the job to follow."""
    body = {
        **_seller(user),
        "marketplaces": marketplaces,
        "period_from": start.isoformat(),
        "period_to": end.isoformat(),
    }
    started = await services.call(user, "collector", "POST", "/collections", json=body)
    return str(started["job_id"])


async def job(services: Services, user: User, job_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await services.get(user, "collector", f"/collections/{job_id}")
    return found


async def recent_jobs(services: Services, user: User, limit: int = 10) -> list[dict[str, Any]]:
    found = await services.get(user, "collector", "/collections", limit=limit, **_seller(user))
    return list(found.get("items", []))


async def attention(
    services: Services, user: User, limit: int, offset: int, q: str | None = None
) -> tuple[list[dict[str, Any]], bool]:
    """A page of orders a marketplace changed; `q`: order numbers or words of the detail."""
    found = await services.get(
        user, "collector", "/orders-attention", limit=limit, offset=offset, q=q, **_seller(user)
    )
    return list(found.get("items", [])), found.get("next_offset") is not None
