"""설정 → 사용자: the owner lists the seller's people, adds them, sets roles, resets passwords
and removes them. Another seller's user is answered 404, as a missing one."""

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from packline_console.adapters.passwords import generated_password
from packline_console.domain.accounts import ROLE_NAMES, AccountError
from packline_console.entrypoints.web import ConsoleDep, OwnerChangeDep, Refused, SessionDep, render
from packline_console.service_layer import users
from packline_runtime.paging import RowId
from packline_runtime.tokens import Role

router = APIRouter(prefix="/settings/users")
PAGE = 50
RoleForm = Annotated[Role, Form()]


async def _page(
    request: Request,
    console: ConsoleDep,
    seller_id: str,
    offset: int,
    status: int = 200,
    **said: str,
) -> Response:
    found = await users.list_users(console.pool, seller_id, PAGE + 1, offset)
    return render(
        request,
        "users.html",
        "settings",
        status,
        users=found[:PAGE],
        offset=offset,
        next_offset=offset + PAGE if len(found) > PAGE else None,
        roles=[(r.value, ROLE_NAMES[r]) for r in users.SELLER_ROLES],
        **said,
    )


def _seller(session: SessionDep) -> str:
    if not session.user.is_owner or session.user.seller_id is None:
        raise Refused(403, "사용자 관리는 대표(소유자)만 할 수 있습니다.")
    return session.user.seller_id


@router.get("")
async def list_users(
    request: Request,
    console: ConsoleDep,
    session: SessionDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Response:
    return await _page(request, console, _seller(session), offset)


@router.post("")
async def add_user(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    email: Annotated[str, Form(max_length=254)],
    role: RoleForm,
) -> Response:
    seller = _seller(session)
    password = generated_password()
    try:
        if role not in users.SELLER_ROLES:
            raise AccountError("역할은 대표, 운영자, 조회 전용 중 하나입니다.")
        added = await users.create_user(
            console.pool, console.passwords, email, seller, role, password
        )
    except AccountError as exc:
        return await _page(request, console, seller, 0, 422, error=str(exc))
    notice = f"{added.email} 사용자를 추가했습니다. 처음 비밀번호: {password} (이 화면에서 한 번만 보입니다)"
    return await _page(request, console, seller, 0, notice=notice)


@router.post("/{user_id}/role")
async def set_role(
    request: Request,
    console: ConsoleDep,
    session: OwnerChangeDep,
    user_id: RowId,
    role: RoleForm,
) -> Response:
    seller = _seller(session)
    try:
        await users.set_role(console.pool, seller, user_id, role)
    except LookupError:
        raise Refused(404, "그런 사용자가 없습니다.") from None
    except AccountError as exc:
        return await _page(request, console, seller, 0, 422, error=str(exc))
    return RedirectResponse("/settings/users", status_code=303)


@router.post("/{user_id}/password")
async def reset_password(
    request: Request, console: ConsoleDep, session: OwnerChangeDep, user_id: RowId
) -> Response:
    seller = _seller(session)
    password = generated_password()
    try:
        await users.reset_password(console.pool, console.passwords, seller, user_id, password)
    except LookupError:
        raise Refused(404, "그런 사용자가 없습니다.") from None
    notice = (
        f"새 비밀번호: {password} (이 화면에서 한 번만 보입니다. 그 사용자의 로그인은 끊겼습니다)"
    )
    return await _page(request, console, seller, 0, notice=notice)


@router.post("/{user_id}/remove")
async def remove_user(
    request: Request, console: ConsoleDep, session: OwnerChangeDep, user_id: RowId
) -> Response:
    seller = _seller(session)
    try:
        await users.remove_user(console.pool, seller, user_id)
    except LookupError:
        raise Refused(404, "그런 사용자가 없습니다.") from None
    except AccountError as exc:
        return await _page(request, console, seller, 0, 422, error=str(exc))
    return RedirectResponse("/settings/users", status_code=303)
