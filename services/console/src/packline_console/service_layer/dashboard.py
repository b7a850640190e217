"""대시보드: what the services' /stats and list endpoints say right now, for one person (every
call carries their token, so the services count only their seller's rows). A service that does
not answer leaves its numbers blank and a banner; the rest of the page still shows."""

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from packline_console.adapters.services import ServiceDown, ServiceProblem, Services
from packline_console.domain.accounts import User
from packline_console.domain.funnel import funnel_svg
from packline_console.settings import SERVICES

T = TypeVar("T")
KST = ZoneInfo("Asia/Seoul")
DEAD_LETTER_PAGE = 100


@dataclass(frozen=True)
class Tile:
    label: str
    count: int | None
    href: str
    unit: str = "건"
    over: bool = False  # the count is a floor (a page of DEAD_LETTER_PAGE was full)


@dataclass(frozen=True)
class Waiting:
    """The oldest item a stage's list holds (None: nothing waits there, or no answer)."""

    stage: str
    since: datetime | None
    href: str
    known: bool = True  # False: the service did not answer


@dataclass
class Dashboard:
    stages: list[Tile] = field(default_factory=list)
    attention: list[Tile] = field(default_factory=list)
    oldest: list[Waiting] = field(default_factory=list)
    today: Tile | None = None
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

    async def items(self, service: str, path: str, **params: Any) -> list[dict[str, Any]] | None:
        found = await self.safely(self.services.get(self.user, service, path, **params))
        return list(found.get("items", [])) if isinstance(found, dict) else None

    async def open_dead_letters(self, service: str) -> int | None:
        found = await self.items(service, "/dead-letters", status="OPEN", limit=DEAD_LETTER_PAGE)
        return None if found is None else len(found)

    async def flow(self, service: str, since: datetime) -> dict[str, Any] | None:
        """The service's /flow from `since`: what passed the stage, and its oldest waiting."""
        found = await self.safely(
            self.services.get(self.user, service, "/flow", since=since.isoformat())
        )
        return found if isinstance(found, dict) else None

    async def registered_today(self, seller: dict[str, str]) -> int | None:
        found = await self.safely(
            self.services.get(self.user, "collector", "/orders/registered-today", **seller)
        )
        if not isinstance(found, dict):
            return None
        return sum(int(n) for n in found.get("by_marketplace", {}).values())


def _n(stats: dict[str, Any] | None, key: str) -> int | None:
    """A count the service gave; a status it has no rows in is left out of its /stats: 0."""
    if stats is None:
        return None
    value = stats.get(key, 0)
    return int(value) if isinstance(value, int) else None


def _sum(values: list[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


def _pushes(collector: dict[str, Any] | None, state: str) -> int | None:
    """Tracking-number pushes to the marketplaces in a state (`pushed_<market>_<state>`)."""
    if collector is None:
        return None
    return sum(
        int(v) for k, v in collector.items() if k.startswith("pushed_") and k.endswith(state)
    )


def _done(flow: dict[str, Any] | None, key: str) -> int | None:
    """A count of what passed a stage since the day began; None when the service was silent."""
    if flow is None:
        return None
    value = flow.get("done", {}).get(key)
    return int(value) if isinstance(value, int) else None


def _since(flow: dict[str, Any] | None, key: str) -> datetime | None:
    value = (flow or {}).get("oldest", {}).get(key)
    return datetime.fromisoformat(value) if isinstance(value, str) else None


# (stage as the page names it, service, its /flow queue, where the list is)
OLDEST = (
    ("주문수집 진행 중", "collector", "collection_running", "/collect"),
    ("매칭 대기", "matcher", "unmatched", "/match"),
    ("합포 대기 (열린 묶음)", "bundler", "open", "/bundle"),
    ("합포 확인 필요", "bundler", "review", "/bundle"),
    ("할당 대기 (재고)", "allocator", "waiting", "/allocate"),
    ("송장 발급 대기", "waybill", "awaiting", "/waybill"),
    ("출고 대기", "shipper", "ready", "/shipping?status=READY"),
    ("마켓 송장 전송 실패", "collector", "push_failed", "/shipping?view=pushes&state=FAILED"),
    ("출고 전 취소 요청", "collector", "cancel_requested", "/cs"),
    ("주소 변경 등 확인", "collector", "attention", "/cs?view=attention"),
)


def _oldest(flows: dict[str, dict[str, Any] | None]) -> list[Waiting]:
    return [
        Waiting(stage, _since(flows[service], key), href, flows[service] is not None)
        for stage, service, key, href in OLDEST
    ]


def _funnel(flows: dict[str, dict[str, Any] | None]) -> str:
    return funnel_svg(
        [
            ("수집", _done(flows["collector"], "collected")),
            ("매칭", _done(flows["matcher"], "matched")),
            ("합포", _done(flows["bundler"], "bundled_orders")),
            ("할당", _done(flows["allocator"], "allocated_orders")),
            ("출고", _done(flows["shipper"], "shipped_orders")),
        ],
        "오늘의 주문 흐름: 수집 → 매칭 → 합포 → 할당 → 출고 (00:00 KST부터, 주문 수)",
    )


async def build(services: Services, user: User, now: datetime) -> Dashboard:
    """The page for one person; `now` decides where today began (00:00 in Korea)."""
    calls = _Calls(services, user)
    today_from = datetime.combine(now.astimezone(KST).date(), time(0), tzinfo=KST)
    seller = {"seller_id": user.seller_id} if user.seller_id else {}
    stats_list = await asyncio.gather(*(calls.stats(s) for s in SERVICES))
    st = dict(zip(SERVICES, stats_list, strict=True))
    collector, matcher, bundler = st["collector"], st["matcher"], st["bundler"]
    allocator, waybill, shipper = st["allocator"], st["waybill"], st["shipper"]
    letters: list[int | None] = [None] * len(SERVICES)
    today: int | None = None
    if user.seller_id is not None:  # the platform role reads /stats only
        letters, today = await asyncio.gather(
            asyncio.gather(*(calls.open_dead_letters(s) for s in SERVICES)),
            calls.registered_today(seller),
        )
    flows = dict(
        zip(
            SERVICES,
            await asyncio.gather(*(calls.flow(s, today_from) for s in SERVICES)),
            strict=True,
        )
    )
    oldest = _oldest(flows)
    dashboard = Dashboard(banners=calls.banners, oldest=oldest)
    dashboard.today = Tile("오늘 등록된 주문", today, "/collect")
    dashboard.stages = [
        Tile("수집 (진행 중)", _n(collector, "in_progress"), "/collect"),
        Tile("매칭 대기", _n(matcher, "unmatched"), "/match"),
        Tile("합포 대기", _n(bundler, "open"), "/bundle", "묶음"),
        Tile("할당 대기 (재고)", _n(allocator, "waiting"), "/allocate", "묶음"),
        Tile("송장 대기", _n(waybill, "awaiting"), "/waybill", "박스"),
        Tile("출고 대기", _n(shipper, "ready"), "/shipping?status=READY", "박스"),
        Tile("출고 완료", _n(shipper, "shipped"), "/shipping?status=SHIPPED", "박스"),
    ]
    dead = _sum(letters)
    dashboard.attention = [
        Tile("송장 발급 대기", _n(waybill, "awaiting"), "/waybill", "박스"),
        Tile("마켓 송장 미전송", _pushes(collector, "_pending"), "/shipping"),
        Tile("송장 전송 실패", _pushes(collector, "_failed"), "/shipping?view=pushes&state=FAILED"),
        Tile("출고 전 취소 요청", _n(collector, "cancel_requested"), "/cs"),
        # open items only: the collector's count of those not yet marked 확인 완료
        Tile("주소 변경 등 확인", _n(collector, "attention_open"), "/cs?view=attention"),
        Tile("미매칭 주문", _n(matcher, "unmatched"), "/match"),
        Tile("합포 확인 필요", _n(bundler, "pending_reviews"), "/bundle"),
        Tile("재고 부족 대기", _n(allocator, "waiting"), "/allocate", "묶음"),
        Tile("출고 중지 박스", _n(shipper, "stopped"), "/shipping?status=STOPPED", "박스"),
        Tile(
            "처리 실패 메시지",
            dead,
            "/cs?view=dead",
            over=any(n == DEAD_LETTER_PAGE for n in letters if n is not None),
        ),
    ]
    dashboard.funnel = _funnel(flows)
    return dashboard
