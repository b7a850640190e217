"""배송: parcels by status, the push of tracking numbers to marketplaces per order line (retry
one, retry all FAILED), 상태 불일치 with the day's reconciliation, and delivery tracking. The
scan bench stays at /shipping/scan."""

from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.domain.accounts import Session
from packline_console.entrypoints import page_kit
from packline_console.entrypoints.listing import KST, ListQuery, xlsx
from packline_console.entrypoints.shipping_views import VIEWS, ListView
from packline_console.entrypoints.web import (
    ChangeDep,
    Console,
    ConsoleDep,
    SessionDep,
    render,
    said,
)
from packline_contracts import Marketplace

PAGE = "/shipping"
router = APIRouter(prefix=PAGE)
Key = Annotated[str, Path(min_length=1, max_length=100)]


def _fetch(
    console: Console, session: Session, view: ListView, chosen: str, lq: ListQuery
) -> page_kit.Fetch:
    async def fetch(limit: int, offset: int) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"seller_id": session.user.seller_id, "limit": limit}
        params |= {"offset": offset, **lq.filters()}
        if chosen:
            params[view.filter_param] = chosen
        answer = await console.services.get(session.user, view.service, view.path, **params)
        return page_kit.items(answer)

    return fetch


def _day(request: Request, console: Console) -> date:
    try:
        return date.fromisoformat(request.query_params.get("date", ""))
    except ValueError:
        return console.clock().astimezone(KST).date()


async def _page(
    request: Request, console: Console, session: Session, status: int = 200, **said: Any
) -> Response:
    name = request.query_params.get("view", "parcels")
    name = name if name in VIEWS else "parcels"
    view = VIEWS[name]
    chosen = view.chosen(request.query_params.get(view.filter_param))
    lq = ListQuery.of(request, default_preset="all")
    banners: list[str] = []
    rows, has_next = await page_kit.read(
        banners, page_kit.listed(_fetch(console, session, view, chosen, lq), lq), ([], False)
    )
    day = _day(request, console)
    reconciliation: dict[str, Any] = {}
    if name == "mismatches":
        call = console.services.get(
            session.user,
            "collector",
            "/reconciliation",
            seller_id=session.user.seller_id,
            date=day.isoformat(),
        )
        reconciliation = await page_kit.read(banners, call, {})
    return render(
        request,
        "shipping.html",
        "ship",
        status,
        views=VIEWS,
        name=name,
        view=view,
        chosen=chosen,
        lq=lq,
        rows=rows,
        has_next=has_next,
        day=day,
        reconciliation=reconciliation,
        banners=banners,
        **said,
    )


@router.get("")
async def shipping_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    if not lq.export:
        return await _page(request, console, session)
    name = request.query_params.get("view", "parcels")
    view = VIEWS[name if name in VIEWS else "parcels"]
    chosen = view.chosen(request.query_params.get(view.filter_param))
    rows = await page_kit.attempt(
        page_kit.every(_fetch(console, session, view, chosen, lq)),
        partial(_failed, request, console, session),
    )
    named = {view.filter_param: dict(view.filters)}
    shown = [page_kit.for_excel(row, named) for row in rows]
    return xlsx(view.title, view.columns, shown, sheet=view.title)


async def _change(
    request: Request,
    console: Console,
    session: Session,
    path: str,
    done: Callable[[dict[str, Any]], str],
    view: str,
) -> Response:
    answer = await page_kit.attempt(
        console.services.call(
            session.user, "collector", "POST", path, params={"seller_id": session.user.seller_id}
        ),
        partial(_failed, request, console, session),
    )
    return said(request, f"{PAGE}?view={view}", done(answer if isinstance(answer, dict) else {}))


async def _failed(
    request: Request, console: Console, session: Session, exc: ServiceDown | ServiceProblem
) -> Response:
    status, message = page_kit.failure(exc)
    return await _page(request, console, session, status, error=message)


@router.post("/pushes/retry")
async def retry_all(request: Request, console: ConsoleDep, session: ChangeDep) -> Response:
    """Every FAILED line is pushed again at the collector's next tick."""

    def done(answer: dict[str, Any]) -> str:
        return f"전송실패 {answer.get('requeued', 0)}건을 다시 전송하도록 예약했습니다."

    return await _change(request, console, session, "/tracking-pushes/retry", done, "pushes")


@router.post("/pushes/{marketplace}/{order_id}/{line_id}/retry")
async def retry_one(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    marketplace: Marketplace,
    order_id: Key,
    line_id: Key,
) -> Response:
    path = f"/tracking-pushes/{marketplace.value}/{order_id}/{line_id}/retry"

    def done(answer: dict[str, Any]) -> str:
        return f"{order_id} 주문 {line_id} 라인을 다시 전송하도록 예약했습니다."

    return await _change(request, console, session, path, done, "pushes")


@router.post("/mismatches/check")
async def check_mismatches(request: Request, console: ConsoleDep, session: ChangeDep) -> Response:
    """Read the recently shipped orders again at their marketplaces, now."""

    def done(answer: dict[str, Any]) -> str:
        return (
            f"판매처 상태를 다시 확인했습니다: 확인 {answer.get('checked', 0)}건, "
            f"불일치 {answer.get('open', 0)}건, 해소 {answer.get('resolved', 0)}건."
        )

    return await _change(request, console, session, "/mismatches/check", done, "mismatches")
