"""로그인 / 로그아웃. The login form carries its own CSRF token (a cookie and a hidden field that
must agree), since no session exists yet."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from packline_console.entrypoints.web import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ConsoleDep,
    CsrfDep,
    kst,
    render,
)
from packline_console.service_layer.sign_in import LockedOut, SignInRefused

router = APIRouter()
WRONG = "이메일 또는 비밀번호가 맞지 않습니다. 다시 입력하세요."


def _secure(request: Request, console: ConsoleDep) -> bool:
    chosen = console.settings.cookie_secure
    return request.url.scheme == "https" if chosen is None else chosen


def _login_page(
    request: Request,
    console: ConsoleDep,
    status_code: int = 200,
    message: str = "",
    email: str = "",
) -> Response:
    token = secrets.token_urlsafe(32)
    response = render(
        request, "login.html", "", status_code, csrf_token=token, message=message, email=email
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=_secure(request, console),
        path="/login",
    )
    return response


@router.get("/login")
async def login_form(request: Request, console: ConsoleDep) -> Response:
    return _login_page(request, console)


@router.post("/login")
async def login(
    request: Request,
    console: ConsoleDep,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token, expected):
        return _login_page(
            request, console, 403, "보안 확인(CSRF)에 실패했습니다. 다시 로그인하세요.", email
        )
    if not email or not password:
        return _login_page(request, console, 400, "이메일과 비밀번호를 모두 입력하세요.", email)
    address = request.client.host if request.client else "unknown"
    try:
        opened = await console.sign_in.sign_in(
            email, password, address, replacing=request.cookies.get(SESSION_COOKIE)
        )
    except SignInRefused:
        return _login_page(request, console, 401, WRONG, email)
    except LockedOut as locked:
        message = (
            f"로그인 실패가 너무 많아 잠시 막혔습니다. {kst(locked.until)} 이후에 다시 시도하세요."
        )
        response = _login_page(request, console, 429, message, email)
        seconds = max(1, int((locked.until - console.clock()).total_seconds()))
        response.headers["retry-after"] = str(seconds)
        return response
    response = RedirectResponse("/dashboard", status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        opened.cookie,
        httponly=True,
        samesite="lax",
        secure=_secure(request, console),
        max_age=int(console.settings.session_absolute_hours * 3600),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
async def logout(console: ConsoleDep, session: CsrfDep) -> Response:
    await console.sign_in.sign_out(session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response
