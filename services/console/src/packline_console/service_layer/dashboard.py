"""대시보드: what the services' /stats and list endpoints say right now, for one person (every
call carries their token, so the services count only their seller's rows). A service that does
not answer leaves its numbers blank and a banner; the rest of the page still shows."""

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from packline_console.adapters.services import ServiceDown, ServiceProblem, Services
from packline_console.domain.accounts import User
from packline_console.domain.funnel import funnel_svg
from packline_console.settings import SERVICES

T = TypeVar("T")
DEAD_LETTER_PAGE = 100


@dataclass(frozen=True)
class Tile:
    label: str
    count: int | None
    href: str
    unit: str = "건"
    over: bool = False  # the count is a floor (a page of DEAD_LETTER_PAGE was full)


@dataclass
class Dashboard:
    stages: list[Tile] = field(default_factory=list)
    attention: list[Tile] = field(default_factory=list)
    oldest: list[tuple[str, datetime | None]] = field(default_factory=list)
    funnel: str = ""
    banners: list[str] = field(default_factory=list)


class _Calls:
    def __init__(self, services: Services, user: User) -> None:
        self.services = services
        self.user = user
        self.banners: list[str] = []

    async def safely(self, call: Awaitable[T]) -> T | None:
        try:
            return await call
        except (ServiceDown, ServiceProblem) as exc:
            if str(exc) not in self.banners:
                self.banners.append(str(exc))
            return None

    async def stats(self, service: str) -> dict[str, Any] | None:
        """None when the service did not answer (its numbers are shown blank)."""
        found = await self.safely(self.services.get(self.user, service, "/stats"))
        return found if isinstance(found, dict) else None

    async def open_dead_letters(self, service: str) -> int | None:
        found = await self.safely(
            self.services.get(
                self.user, service, "/dead-letters", status="OPEN", limit=DEAD_LETTER_PAGE
            )
        )
        return len(found["items"]) if isinstance(found, dict) else None

    async def first_time(self, service: str, path: str, key: str, **params: Any) -> datetime | None:
        found = await self.safely(self.services.get(self.user, service, path, **params))
        items = found.get("items", []) if isinstance(found, dict) else []
        return datetime.fromisoformat(items[0][key]) if items else None


def _n(stats: dict[str, Any] | None, key: str) -> int | None:
    """A count the service gave; a status it has no rows in is left out of its /stats: 0."""
    if stats is None:
        return None
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int) else None


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


async def build(services: Services, user: User) -> Dashboard:
    calls = _Calls(services, user)
    seller = {"seller_id": user.seller_id} if user.seller_id else {}
    stats_list = await asyncio.gather(*(calls.stats(s) for s in SERVICES))
    letters: list[int | None] = [None] * len(SERVICES)
    oldest_unmatched = oldest_ready = None
    if user.seller_id is not None:  # the platform role reads /stats only
        letters, oldest_unmatched, oldest_ready = await asyncio.gather(
            asyncio.gather(*(calls.open_dead_letters(s) for s in SERVICES)),
            calls.first_time("matcher", "/unmatched", "held_at", limit=1, suggestions=0, **seller),
            calls.first_time("shipper", "/parcels", "created_at", status="READY", limit=1),
        )
    st = dict(zip(SERVICES, stats_list, strict=True))
    collector, matcher, bundler = st["collector"], st["matcher"], st["bundler"]
    allocator, waybill, shipper = st["allocator"], st["waybill"], st["shipper"]
    push_failures = _sum([v for k, v in (collector or {}).items() if k.endswith("_failed")])
    dashboard = Dashboard(banners=calls.banners)
    dashboard.stages = [
        Tile("수집 (진행 중)", _n(collector, "in_progress"), "/soon/collect"),
        Tile("매칭 대기", _n(matcher, "unmatched"), "/soon/match"),
        Tile("합포 대기", _n(bundler, "open"), "/soon/bundle", "묶음"),
        Tile("할당 대기 (재고)", _n(allocator, "waiting"), "/allocate", "묶음"),
        Tile("송장 대기", _n(waybill, "awaiting"), "/waybill", "박스"),
        Tile("출고 대기", _n(shipper, "ready"), "/shipping?status=READY", "박스"),
        Tile("출고 완료", _n(shipper, "shipped"), "/shipping?status=SHIPPED", "박스"),
    ]
    dead = _sum(letters)
    dashboard.attention = [
        Tile("미매칭 주문", _n(matcher, "unmatched"), "/soon/match"),
        Tile("합포 확인 필요", _n(bundler, "pending_reviews"), "/soon/bundle"),
        Tile("재고 부족 대기", _n(allocator, "waiting"), "/allocate", "묶음"),
        Tile("출고 전 취소 요청", _n(collector, "cancel_requested"), "/cs"),
        Tile("출고 중지 박스", _n(shipper, "stopped"), "/shipping?status=STOPPED", "박스"),
        Tile("송장 전송 실패", push_failures, "/shipping?view=pushes&state=FAILED"),
        Tile(
            "처리 실패 메시지",
            dead,
            "/cs?view=dead",
            over=any(n == DEAD_LETTER_PAGE for n in letters if n is not None),
        ),
    ]
    dashboard.oldest = [("매칭 대기", oldest_unmatched), ("출고 대기", oldest_ready)]
    dashboard.funnel = funnel_svg(
        [
            ("수집", _n(collector, "collected")),
            ("매칭", _n(matcher, "matched")),
            ("합포", _n(bundler, "orders")),
            ("출고", _n(collector, "shipped")),
        ],
        "주문 흐름: 수집 → 매칭 → 합포 → 출고 (누적 주문 수)",
    )
    return dashboard
