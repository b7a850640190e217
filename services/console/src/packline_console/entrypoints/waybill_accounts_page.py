"""송장 → 택배 계정 (owner only): courier accounts with their keys masked (the waybill service
never returns a secret), number bands (대역) with what is left and a low warning, and the
seller's waybill settings (the default account, 가배송)."""

from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response

from packline_console.adapters.services import ServiceDown, ServiceProblem
from packline_console.domain.accounts import Session
from packline_console.entrypoints import page_kit
from packline_console.entrypoints.web import (
    Console,
    ConsoleDep,
    OwnerChangeDep,
    Refused,
    SessionDep,
    render,
    said,
)

PAGE = "/waybill"
router = APIRouter(prefix=PAGE)
METHODS = {"FILE": "엑셀 파일", "BAND": "번호 대역", "API": "택배사 API"}
Text = Annotated[str, Form(max_length=300)]
AccountId = Annotated[int, Path(ge=1, le=2**63 - 1)]


def masked(key_id: str) -> str:
    """A key's id shown as its first characters only: enough to tell two keys apart."""
    return key_id[:4] + "*" * min(max(len(key_id) - 4, 4), 12)


def _owner(session: Session) -> Session:
    if not session.user.is_owner or session.user.seller_id is None:
        raise Refused(403, "택배 계정과 송장 설정은 대표(소유자)만 볼 수 있습니다.")
    return session


async def _page(
    request: Request, console: Console, session: Session, status: int = 200, **said: Any
) -> Response:
    user = _owner(session).user
    banners: list[str] = []
    services = console.services
    listed = await page_kit.read(
        banners,
        services.get(user, "waybill", "/courier-accounts", seller_id=user.seller_id),
        {},
    )
    accounts = page_kit.items(listed)
    for account in accounts:
        path = f"/courier-accounts/{account['account_id']}/bands"
        bands = await page_kit.read(
            banners, services.get(user, "waybill", path, seller_id=user.seller_id), []
        )
        account["bands"] = bands if isinstance(bands, list) else []
        api = account.get("api") or {}
        account["key_shown"] = masked(str(api.get("key_id", ""))) if api else ""
    found = await page_kit.read(
        banners, services.get(user, "waybill", "/waybill-settings", seller_id=user.seller_id), {}
    )
    couriers = await page_kit.read(banners, services.get(user, "waybill", "/couriers"), [])
    return render(
        request,
        "waybill_accounts.html",
        "waybill",
        status,
        accounts=accounts,
        settings=found if isinstance(found, dict) else {},
        couriers=couriers if isinstance(couriers, list) else [],
        methods=METHODS,
        banners=banners,
        **said,
    )


@router.get("/accounts")
async def accounts_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    return await _page(request, console, session)


async def _change(
    request: Request,
    console: Console,
    session: Session,
    method: str,
    path: str,
    body: dict[str, Any],
    notice: str,
) -> Response:
    user = session.user
    call = console.services.call(
        user,
        "waybill",
        method,
        path,
        params={"seller_id": user.seller_id},
        json={**body, "by": user.email[:100]},
    )
    await page_kit.attempt(call, partial(_failed, request, console, session))
    return said(request, f"{PAGE}/accounts", notice)


async def _failed(
    request: Request, console: Console, session: Session, exc: ServiceDown | ServiceProblem
) -> Response:
    status, message = page_kit.failure(exc)
    return await _page(request, console, session, status, error=message)


@router.post("/accounts")
async def add_account(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    courier_code: Annotated[str, Form(max_length=20)],
    name: Annotated[str, Form(max_length=100)],
    method: Annotated[str, Form(max_length=10)],
    sender_name: Annotated[str, Form(max_length=100)],
    sender_phone: Annotated[str, Form(max_length=20)],
    sender_address: Text,
    sender_postcode: Annotated[str, Form(max_length=7)],
    template_key: Annotated[str, Form(max_length=50)] = "",
    api_base_url: Text = "",
    api_key_id: Annotated[str, Form(max_length=200)] = "",
    api_secret: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    body: dict[str, Any] = {
        "seller_id": session.user.seller_id,
        "courier_code": courier_code,
        "name": name,
        "method": method,
        "template_key": template_key,
        "sender": {
            "name": sender_name,
            "phone": sender_phone,
            "address": sender_address,
            "postcode": sender_postcode,
        },
    }
    if method == "API":
        body["api"] = {"base_url": api_base_url, "key_id": api_key_id, "secret": api_secret}
    notice = f"택배 계정 '{name}'을(를) 추가했습니다."
    return await _change(request, console, session, "POST", "/courier-accounts", body, notice)


@router.post("/accounts/{account_id}/disable")
async def disable_account(
    request: Request, console: ConsoleDep, session: OwnerChangeDep, account_id: AccountId
) -> Response:
    path = f"/courier-accounts/{account_id}/disable"
    notice = f"택배 계정 #{account_id}을(를) 사용 중지했습니다."
    return await _change(request, console, session, "POST", path, {}, notice)


@router.post("/accounts/{account_id}/bands")
async def add_band(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    account_id: AccountId,
    start: Annotated[int, Form(ge=0, le=99_999_999_999)],
    end: Annotated[int, Form(ge=0, le=99_999_999_999)],
    low_water: Annotated[int, Form(ge=0, le=99_999_999_999)] = 1000,
) -> Response:
    path = f"/courier-accounts/{account_id}/bands"
    body = {"start": start, "end": end, "low_water": low_water}
    notice = f"번호 대역 {start}~{end}을(를) 추가했습니다."
    return await _change(request, console, session, "POST", path, body, notice)


@router.post("/settings")
async def save_settings(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    default_account_id: Annotated[str, Form(max_length=20)] = "",
    pre_shipment_push: Annotated[bool, Form()] = False,
) -> Response:
    """기본 택배 계정, 가배송 (numbers pushed to marketplaces as soon as they are issued)."""
    if default_account_id and not default_account_id.isdigit():
        return await _page(request, console, session, 422, error="기본 계정을 목록에서 고르세요.")
    body = {
        "seller_id": session.user.seller_id,
        "default_account_id": int(default_account_id) if default_account_id else None,
        "pre_shipment_push": pre_shipment_push,
    }
    notice = "송장 설정을 저장했습니다." + (
        " 가배송: 켜짐" if pre_shipment_push else " 가배송: 꺼짐"
    )
    return await _change(request, console, session, "PUT", "/waybill-settings", body, notice)
