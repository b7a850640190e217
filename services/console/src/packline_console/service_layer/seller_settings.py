"""설정 (seller rules): the bundler's sealing rule (보류 시간 / 마감 시각 / 버튼으로만) and its
합포 제외 list, and the collector's 출고 마감 (the seller's shipping cut-off), read and changed
through the services' APIs as the signed-in person. The allocator offers no settings yet;
waybill settings live on the 송장 page."""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from packline_console.adapters.services import ServiceDown, ServiceProblem, Services
from packline_console.domain.accounts import User

MODES = {
    "HOLD": "주문이 들어오고 정해진 시간만큼 기다린 뒤 묶음 마감",
    "CUTOFF": "정해진 시각(마감 시각)에 묶음 마감",
    "MANUAL": "묶음 마감 버튼을 누를 때만",
}
KINDS = {"SKU": "상품(SKU)", "MARKETPLACE": "판매처"}
CUTOFF_PATH = "/settings/shipping-cutoff"


@dataclass(frozen=True)
class Sealing:
    mode: str | None  # None: never set, the bundler's default hold applies
    hold_minutes: float | None
    cutoffs: str
    updated_by: str
    updated_at: datetime | None


@dataclass(frozen=True)
class Exclusion:
    kind: str
    value: str
    created_by: str
    reason: str
    created_at: datetime | None


@dataclass(frozen=True)
class ShippingCutoff:
    cutoff: str  # HH:MM Asia/Seoul, the one in force
    own: bool  # False: the collector's default applies
    default: str
    updated_by: str
    updated_at: datetime | None


@dataclass
class SellerSettings:
    sealing: Sealing | None = None  # None: the bundler did not answer
    exclusions: list[Exclusion] = field(default_factory=list)
    banners: list[str] = field(default_factory=list)
    shipping_cutoff: ShippingCutoff | None = None  # None: the collector did not answer


def _when(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def _cutoff_of(found: dict[str, Any]) -> ShippingCutoff:
    return ShippingCutoff(
        cutoff=str(found["cutoff"]),
        own=found.get("source") == "SELLER",
        default=str(found["default_cutoff"]),
        updated_by=str(found.get("updated_by") or ""),
        updated_at=_when(found.get("updated_at")),
    )


async def load(services: Services, user: User, seller_id: str) -> SellerSettings:
    banners: list[str] = []
    try:
        answer = await services.get(user, "collector", CUTOFF_PATH, seller_id=seller_id)
        cutoff: ShippingCutoff | None = _cutoff_of(answer)
    except (ServiceDown, ServiceProblem) as exc:
        cutoff, banners = None, [str(exc)]
    found = await _sealing(services, user, seller_id)
    found.shipping_cutoff = cutoff
    found.banners = banners + found.banners
    return found


async def _sealing(services: Services, user: User, seller_id: str) -> SellerSettings:
    try:
        found = await services.get(user, "bundler", f"/settings/{seller_id}")
    except (ServiceDown, ServiceProblem) as exc:
        return SellerSettings(banners=[str(exc)])
    row = found.get("settings") or {}
    hold = row.get("hold_seconds")
    sealing = Sealing(
        mode=row.get("seal_mode"),
        hold_minutes=None if hold is None else hold / 60,
        cutoffs=",".join(row.get("cutoffs") or []),
        updated_by=str(row.get("updated_by") or ""),
        updated_at=_when(row.get("updated_at")),
    )
    exclusions = [
        Exclusion(
            e["kind"],
            e["value"],
            str(e.get("created_by") or ""),
            str(e.get("reason") or ""),
            _when(e.get("created_at")),
        )
        for e in found.get("exclusions", [])
    ]
    return SellerSettings(sealing, exclusions)


async def save_sealing(
    services: Services,
    user: User,
    seller_id: str,
    mode: str,
    hold_minutes: int | None,
    cutoffs: str,
    reason: str,
) -> int:
    """The number of open bundles the bundler rescheduled under the new rule."""
    body = {
        "mode": mode,
        "hold_seconds": None if hold_minutes is None else hold_minutes * 60,
        "cutoffs": cutoffs,
        "decided_by": user.email,
        "reason": reason,
    }
    answer = await services.call(user, "bundler", "PUT", f"/settings/{seller_id}", json=body)
    return int(answer.get("rescheduled_bundles", 0))


async def exclude(
    services: Services, user: User, seller_id: str, kind: str, value: str, reason: str
) -> None:
    body = {
        "seller_id": seller_id,
        "kind": kind,
        "value": value,
        "decided_by": user.email,
        "reason": reason,
    }
    await services.call(user, "bundler", "PUT", "/exclusions", json=body)


async def include(services: Services, user: User, seller_id: str, kind: str, value: str) -> None:
    params = {"seller_id": seller_id, "kind": kind, "value": value, "decided_by": user.email}
    await services.call(user, "bundler", "DELETE", "/exclusions", params=params)


async def save_shipping_cutoff(
    services: Services, user: User, seller_id: str, cutoff: str | None
) -> ShippingCutoff:
    """The seller's 출고 마감 (HH:MM); None: back to the collector's default."""
    body = {"seller_id": seller_id, "cutoff": cutoff}
    return _cutoff_of(await services.call(user, "collector", "PUT", CUTOFF_PATH, json=body))
