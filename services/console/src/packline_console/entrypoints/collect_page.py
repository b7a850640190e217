"""주문수집: 판매처 계정 (keys masked, added and changed by the owner only), 주문통합수집 for a
period and marketplaces with its progress, the last runs and their problems, and the attention
list (orders re-collection could not settle alone) with its Excel download."""

import uuid
from datetime import timedelta
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.entrypoints.listing import ListQuery, every_row, xlsx
from packline_console.entrypoints.page_kit import (
    KST,
    Sections,
    attempt,
    failure,
    field_errors,
    kst_day,
    start_of,
    whole,
)
from packline_console.entrypoints.web import (
    ChangeDep,
    ConsoleDep,
    OwnerChangeDep,
    Refused,
    SessionDep,
    render,
    said,
)
from packline_console.service_layer import collect

PAGE = "/collect"
router = APIRouter(prefix=PAGE)
ATTENTION_COLUMNS = (
    ("order", "주문"),
    ("kind_name", "구분"),
    ("detail", "내용"),
    ("detected_at", "발견 시각"),
)
Text = Annotated[str, Form(max_length=300)]


def _shown(row: dict[str, Any]) -> dict[str, Any]:
    return {**row, "kind_name": collect.ATTENTION_KINDS.get(row.get("kind", ""), row.get("kind"))}


async def _page(
    request: Request, console: ConsoleDep, session: SessionDep, status: int = 200, **said: Any
) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    user, services = session.user, console.services
    sections = Sections()
    accounts = await sections.load(collect.accounts(services, user))
    jobs = await sections.load(collect.recent_jobs(services, user))
    found = await sections.load(collect.attention(services, user, lq.size, lq.offset, lq.q))
    rows, has_next = found or ([], False)
    return render(
        request,
        "collect.html",
        "collect",
        status,
        lq=lq,
        accounts=accounts,
        jobs=jobs,
        attention=[_shown(r) for r in rows],
        has_next=has_next,
        marketplaces=collect.API_MARKETPLACES,
        job_status=collect.JOB_STATUS,
        today=console.clock().astimezone(KST).date(),
        banners=sections.banners,
        **said,
    )


@router.get("")
async def collect_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    lq = ListQuery.of(request, default_preset="all")
    if lq.export:

        async def fetch(limit: int, offset: int) -> list[dict[str, Any]]:
            rows, _ = await collect.attention(console.services, session.user, limit, offset, lq.q)
            return rows

        try:
            rows = [_shown(r) async for r in every_row(fetch)]
        except (ServiceDown, ServiceProblem) as exc:
            return await _failed(request, console, session, exc)
        return xlsx("주문수집-확인필요", ATTENTION_COLUMNS, rows)
    return await _page(request, console, session)


def _said(exc: ServiceDown | ServiceProblem) -> tuple[int, str]:
    status, message = failure(exc)
    details = field_errors(exc) if isinstance(exc, ServiceProblem) else []
    return status, " ".join([message, *details])


async def _failed(
    request: Request, console: ConsoleDep, session: SessionDep, exc: ServiceDown | ServiceProblem
) -> Response:
    status, message = _said(exc)
    return await _page(request, console, session, status, error=message)


@router.post("/accounts")
async def add_account(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    marketplace: Annotated[str, Form()],
    name: Annotated[str, Form(max_length=100)],
    vendor_id: Text = "",
    access_key: Text = "",
    secret_key: Text = "",
    client_id: Text = "",
    client_secret: Text = "",
    seller_login: Text = "",
    api_key: Text = "",
) -> Response:
    if marketplace not in collect.API_MARKETPLACES:
        raise Refused(422, "API로 수집하는 판매처는 쿠팡, 네이버 스마트스토어, 11번가입니다.")
    keys = {
        "vendor_id": vendor_id.strip(),
        "access_key": access_key.strip(),
        "secret_key": secret_key.strip(),
        "client_id": client_id.strip(),
        "client_secret": client_secret.strip(),
        "seller_login": seller_login.strip(),
        "api_key": api_key.strip(),
    }
    added = await attempt(
        collect.add_account(console.services, session.user, marketplace, name.strip(), keys),
        partial(_failed, request, console, session),
    )
    notice = f"{collect.API_MARKETPLACES[marketplace]} 계정 '{added.get('name', name)}'을(를) 추가했습니다. 키는 저장만 되고 다시 보이지 않습니다."
    return said(request, PAGE, notice)


@router.post("/accounts/{account_id}")
async def change_account(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    account_id: uuid.UUID,
    enabled: Annotated[bool, Form()] = False,
    interval_minutes: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    interval = whole(interval_minutes, "수집 주기(분)", 1) if interval_minutes.strip() else None
    changed = await attempt(
        collect.change_account(console.services, session.user, str(account_id), enabled, interval),
        partial(_failed, request, console, session),
    )
    state = "사용" if changed.get("enabled") else "사용 안 함"
    notice = f"계정 '{changed.get('name', '')}'을(를) 저장했습니다: {state}, {changed.get('interval_minutes')}분마다 자동 수집."
    return said(request, PAGE, notice)


@router.post("/run")
async def run_collection(
    request: Request,
    console: ConsoleDep,
    session: ChangeDep,
    period_from: Annotated[str, Form(max_length=20)],
    period_to: Annotated[str, Form(max_length=20)],
    marketplaces: Annotated[list[str] | None, Form()] = None,
) -> Response:
    chosen = [m for m in marketplaces or [] if m in collect.API_MARKETPLACES]
    if not chosen:
        raise Refused(422, "수집할 판매처를 하나 이상 고르세요.")
    start = start_of(kst_day(period_from, "시작일"))
    end = min(start_of(kst_day(period_to, "종료일")) + timedelta(days=1), console.clock())
    if not start < end:
        raise Refused(422, "기간을 확인하세요: 시작일이 종료일(또는 지금)보다 앞서야 합니다.")
    job_id = await attempt(
        collect.run(console.services, session.user, chosen, start, end),
        partial(_failed, request, console, session),
    )
    notice = "주문수집을 시작했습니다. 이 화면에서 진행 상황을 볼 수 있습니다."
    return said(request, f"{PAGE}/jobs/{job_id}", notice)


@router.get("/jobs/{job_id}")
async def job_page(
    request: Request, console: ConsoleDep, session: SessionDep, job_id: uuid.UUID
) -> Response:
    try:
        job = await collect.job(console.services, session.user, str(job_id))
    except ServiceProblem as exc:
        if exc.status == 404:
            raise Refused(404, "그런 수집 작업이 없습니다.") from None
        raise Refused(*failure(exc)) from None
    except ServiceDown as exc:
        raise Refused(*failure(exc)) from None
    return _job_page(request, job)


def _job_page(request: Request, job: dict[str, Any], **said: Any) -> Response:
    return render(
        request,
        "collect_job.html",
        "collect",
        job=job,
        status_name=collect.JOB_STATUS.get(job.get("status", ""), job.get("status")),
        marketplaces=collect.API_MARKETPLACES,
        **said,
    )
