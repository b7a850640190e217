"""설정: the seller's rules. 출고 마감 (the shipping cut-off orders must ship by), 합포 마감
(sealing: hold window, cut-off times or the button only) and 합포 제외, changed by the owner
only; everyone of the seller may read them. Links to the
users page and to the waybill settings on the 송장 page; the allocator offers no settings."""

import re
from functools import partial
from typing import Annotated, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.entrypoints.page_kit import attempt, failure
from packline_console.entrypoints.web import (
    ConsoleDep,
    OwnerChangeDep,
    Refused,
    SessionDep,
    render,
    said,
)
from packline_console.service_layer import seller_settings

PAGE = "/settings"
router = APIRouter(prefix=PAGE)
Mode = Annotated[Literal["HOLD", "CUTOFF", "MANUAL"], Form()]
Kind = Annotated[Literal["SKU", "MARKETPLACE"], Form()]
Reason = Annotated[str, Form(max_length=300)]
Value = Annotated[str, Form(min_length=1, max_length=64)]
HH_MM = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")


def _seller(session: SessionDep) -> str:
    if session.user.seller_id is None:
        raise Refused(403, "설정은 판매자 계정의 화면입니다. SRE 계정은 SRE 화면을 쓰세요.")
    return session.user.seller_id


async def _page(
    request: Request, console: ConsoleDep, session: SessionDep, status: int = 200, **said: str
) -> Response:
    found = await seller_settings.load(console.services, session.user, _seller(session))
    return render(
        request,
        "settings.html",
        "settings",
        status,
        found=found,
        modes=seller_settings.MODES,
        kinds=seller_settings.KINDS,
        banners=found.banners,
        owner=session.user.is_owner,
        **said,
    )


@router.get("")
async def settings_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    return await _page(request, console, session)


@router.post("/sealing")
async def save_sealing(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    mode: Mode,
    hold_minutes: Annotated[str, Form(max_length=6)] = "",
    cutoffs: Annotated[str, Form(max_length=100)] = "",
    reason: Reason = "",
) -> Response:
    minutes = hold_minutes.strip()
    if minutes and (not minutes.isdigit() or int(minutes) > 7 * 24 * 60):
        error = "보류 시간은 0부터 10080(7일)까지의 분 단위 정수로 적어 주세요."
        return await _page(request, console, session, 422, error=error)
    moved = await attempt(
        seller_settings.save_sealing(
            console.services,
            session.user,
            _seller(session),
            mode,
            int(minutes) if minutes else None,
            cutoffs.strip(),
            reason,
        ),
        partial(_failed, request, console, session),
    )
    notice = f"합포 마감 설정을 저장했습니다. 열린 묶음 {moved}개의 마감 시각을 다시 잡았습니다."
    return said(request, PAGE, notice)


@router.post("/shipping-cutoff")
async def save_shipping_cutoff(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    cutoff: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """An empty field: back to the collector's default."""
    given = cutoff.strip()
    if given and not HH_MM.fullmatch(given):
        error = "출고 마감은 00:00부터 23:59까지 HH:MM으로 적어 주세요 (예: 15:00)."
        return await _page(request, console, session, 422, error=error)
    saved = await attempt(
        seller_settings.save_shipping_cutoff(
            console.services, session.user, _seller(session), given or None
        ),
        partial(_failed, request, console, session),
    )
    if saved.own:
        return said(request, PAGE, f"출고 마감을 {saved.cutoff}(으)로 저장했습니다.")
    return said(request, PAGE, f"출고 마감을 기본값({saved.cutoff})으로 되돌렸습니다.")


@router.post("/exclusions")
async def add_exclusion(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    kind: Kind,
    value: Value,
    reason: Reason = "",
) -> Response:
    await attempt(
        seller_settings.exclude(
            console.services, session.user, _seller(session), kind, value.strip(), reason
        ),
        partial(_failed, request, console, session),
    )
    notice = f"{seller_settings.KINDS[kind]} {value.strip()}을(를) 합포 제외에 넣었습니다."
    return said(request, PAGE, notice)


@router.post("/exclusions/remove")
async def remove_exclusion(
    request: Request, console: ConsoleDep, session: OwnerChangeDep, kind: Kind, value: Value
) -> Response:
    await attempt(
        seller_settings.include(console.services, session.user, _seller(session), kind, value),
        partial(_failed, request, console, session),
    )
    notice = f"{seller_settings.KINDS[kind]} {value}을(를) 합포 제외에서 뺐습니다."
    return said(request, PAGE, notice)


async def _failed(
    request: Request, console: ConsoleDep, session: SessionDep, exc: ServiceDown | ServiceProblem
) -> Response:
    status, message = failure(exc)
    return await _page(request, console, session, status, error=message)
