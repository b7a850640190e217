"""합포: the bundler's 확인필요 reviews (two orders side by side, which fields differ), merge or
keep apart, 합포처리 (seal now), the sealing rule (hold window / cut-off times, owner only),
합포금지 exclusions and splitting orders off a bundle. Every call goes to the bundler as the
signed-in person; who decided is the person's sign-in."""

from typing import Any

from packline_console.adapters.services import Services
from packline_console.domain.accounts import User

REVIEW_STATUS = {"PENDING": "확인필요", "MERGED": "합포함", "KEPT_APART": "미합포"}
FIELD_NAMES = {"name": "수취인명", "address": "주소", "phone": "전화번호", "mobile": "휴대폰"}
AGREEMENT = {
    "EQUAL": "같음",
    "EMPTY": "둘 다 비어 있음",
    "MISSING": "한쪽만 비어 있음",
    "WEAK": "다름 (안심번호일 수 있음)",
    "UNCERTAIN": "판단 어려움",
    "DIFFERENT": "다름",
}
AGREES = frozenset({"EQUAL", "EMPTY"})
SIDE_FIELDS = (
    ("name", "수취인명"),
    ("address", "주소"),
    ("phone", "전화번호"),
    ("mobile", "휴대폰"),
    ("postcode", "우편번호"),
)
MODES = {
    "HOLD": "대기 시간 후 자동 합포",
    "CUTOFF": "마감 시각에 합포",
    "MANUAL": "합포처리 버튼으로만",
}
EXCLUSION_KINDS = {"SKU": "상품(SKU)", "MARKETPLACE": "판매처"}


def _seller(user: User) -> dict[str, str]:
    return {"seller_id": user.seller_id} if user.seller_id else {}


def _side(side: dict[str, Any] | None) -> dict[str, str] | None:
    """One order of a pair as the card shows it: the address in one piece."""
    if side is None:
        return None
    address = " ".join(p for p in (side.get("address1", ""), side.get("address2", "")) if p)
    return {**{k: str(v) for k, v in side.items()}, "address": address}


def _differs(fields: list[dict[str, Any]]) -> dict[str, dict[str, str]]:
    return {
        f["field"]: {
            "agreement": str(f.get("agreement", "")),
            "differs": "no" if f.get("agreement") in AGREES else "yes",
            "label": AGREEMENT.get(str(f.get("agreement")), str(f.get("agreement"))),
            "why": str(f.get("why", "")),
        }
        for f in fields
        if isinstance(f, dict) and "field" in f
    }


async def reviews(
    services: Services,
    user: User,
    status: str,
    limit: int,
    cursor: str | None,
    q: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of 확인필요 pairs; `q`: order numbers, searched by the bundler."""
    params: dict[str, Any] = {"status": status, "limit": limit, "q": q or None, **_seller(user)}
    if cursor:
        params["cursor"] = cursor
    found = await services.get(user, "bundler", "/reviews", **params)
    items = [
        {**r, "a": _side(r.get("a")), "b": _side(r.get("b")), "fields": _differs(r["fields"])}
        for r in found.get("items", [])
    ]
    return items, found.get("next")


BUNDLE_STATUS = {
    "OPEN": "합포 대기",
    "SEALED": "합포 확정",
    "ALLOCATED": "할당됨",
    "CANCELLED": "해체",
}


async def bundles(
    services: Services, user: User, limit: int, offset: int, q: str | None
) -> tuple[list[dict[str, Any]], bool]:
    """합포 목록: a page of the seller's boxes (newest first) with their orders; `q`: order
    numbers or a bundle number, searched by the bundler."""
    found = await services.get(
        user, "bundler", "/bundles", limit=limit, offset=offset, q=q or None, **_seller(user)
    )
    items = found.get("items", []) if isinstance(found, dict) else []
    return list(items), isinstance(found, dict) and found.get("next_offset") is not None


async def decide(services: Services, user: User, review_id: int, merge: bool, reason: str) -> None:
    action = "merge" if merge else "keep-apart"
    body = {"decided_by": user.email[:64], "reason": reason}
    await services.call(user, "bundler", "POST", f"/reviews/{review_id}/{action}", json=body)


async def seal_now(services: Services, user: User) -> int:
    done = await services.call(user, "bundler", "POST", "/bundles/seal", json=_seller(user))
    return int(done.get("sealed", 0))


async def settings(services: Services, user: User) -> dict[str, Any]:
    found: dict[str, Any] = await services.get(user, "bundler", f"/settings/{user.seller_id}")
    return found


async def set_sealing(
    services: Services, user: User, mode: str, hold_seconds: int | None, cutoffs: str, reason: str
) -> int:
    body = {
        "mode": mode,
        "hold_seconds": hold_seconds,
        "cutoffs": cutoffs,
        "decided_by": user.email[:64],
        "reason": reason,
    }
    done = await services.call(user, "bundler", "PUT", f"/settings/{user.seller_id}", json=body)
    return int(done.get("rescheduled_bundles", 0))


async def exclude(services: Services, user: User, kind: str, value: str, reason: str) -> None:
    body = {
        **_seller(user),
        "kind": kind,
        "value": value,
        "decided_by": user.email[:64],
        "reason": reason,
    }
    await services.call(user, "bundler", "PUT", "/exclusions", json=body)


async def include(services: Services, user: User, kind: str, value: str) -> None:
    params = {**_seller(user), "kind": kind, "value": value, "decided_by": user.email[:64]}
    await services.call(user, "bundler", "DELETE", "/exclusions", params=params)


async def unmerge(
    services: Services, user: User, bundle_id: str, orders: list[str], reason: str
) -> str:
    body = {"orders": orders, "decided_by": user.email[:64], "reason": reason}
    done = await services.call(user, "bundler", "POST", f"/bundles/{bundle_id}/unmerge", json=body)
    return str(done.get("new_bundle_id", ""))
