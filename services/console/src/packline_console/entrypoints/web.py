"""What every page shares: the console's parts on app.state, who is signed in, CSRF checks,
the menus, rendering, and the errors a person sees (in Korean, never a 500 for bad input)."""

import base64
import binascii
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import asyncpg
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from packline_console.adapters.passwords import Passwords
from packline_console.adapters.services import Services
from packline_console.domain.accounts import Session
from packline_console.entrypoints.listing import PAGE_SIZES, PRESETS
from packline_console.service_layer.sign_in import SignIn
from packline_console.settings import ConsoleSettings

SESSION_COOKIE = "packline_session"
LOGIN_CSRF_COOKIE = "packline_login_csrf"
CSRF_HEADER = "x-csrf-token"
SAID_COOKIE = "packline_said"  # what the last change did, read once by the next page
MAX_SAID = 1000
KST = ZoneInfo("Asia/Seoul")
TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))


@dataclass(frozen=True)
class Menu:
    key: str
    label: str
    href: str


MENUS = (
    Menu("dashboard", "대시보드", "/dashboard"),
    Menu("collect", "주문수집", "/collect"),
    Menu("register", "주문등록", "/register"),
    Menu("match", "매칭", "/match"),
    Menu("bundle", "합포", "/bundle"),
    Menu("allocate", "할당", "/allocate"),
    Menu("waybill", "송장", "/waybill"),
    Menu("ship", "배송", "/shipping"),
    Menu("cs", "CS", "/cs"),
    Menu("settings", "설정", "/settings"),
)
SRE_MENU = Menu("sre", "SRE", "/sre")


@dataclass
class Console:
    settings: ConsoleSettings
    pool: asyncpg.Pool
    sign_in: SignIn
    services: Services
    passwords: Passwords
    clock: Callable[[], datetime]


def console_of(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(console_of)]


class NotSignedIn(Exception):
    pass


class Answered(Exception):
    """A change that ends early with a page of its own (the service failed: the form is shown
    again with the error); the app answers with `response`."""

    def __init__(self, response: Response) -> None:
        super().__init__("answered")
        self.response = response


class Refused(Exception):
    """A request the console answers with a 4xx and a Korean message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "")


async def signed_in(request: Request, console: ConsoleDep) -> Session:
    session = await console.sign_in.current(request.cookies.get(SESSION_COOKIE))
    if session is None:
        raise NotSignedIn
    request.state.session = session
    return session


SessionDep = Annotated[Session, Depends(signed_in)]


async def csrf_checked(request: Request, session: SessionDep) -> Session:
    """A form's hidden `csrf_token`, or the X-CSRF-Token header of a fetch call, must be this
    session's token."""
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and "form" in request.headers.get("content-type", ""):
        sent = str((await request.form()).get("csrf_token") or "")
    if not sent or not secrets.compare_digest(sent, session.csrf_token):
        raise Refused(
            403, "보안 확인(CSRF)에 실패했습니다. 페이지를 새로고침한 뒤 다시 시도하세요."
        )
    return session


async def may_change(session: Annotated[Session, Depends(csrf_checked)]) -> Session:
    if not session.user.may_change:
        raise Refused(403, "조회 전용 계정은 바꿀 수 없습니다. 대표(소유자)에게 권한을 요청하세요.")
    if session.user.seller_id is None:
        raise Refused(403, "SRE 계정은 판매자의 데이터를 바꿀 수 없습니다.")
    return session


async def owner_change(session: Annotated[Session, Depends(may_change)]) -> Session:
    if not session.user.is_owner:
        raise Refused(403, "대표(소유자)만 할 수 있는 작업입니다.")
    return session


CsrfDep = Annotated[Session, Depends(csrf_checked)]
ChangeDep = Annotated[Session, Depends(may_change)]
OwnerChangeDep = Annotated[Session, Depends(owner_change)]


def kst(when: datetime | str | None) -> str:
    if when is None or when == "":
        return ""
    moment = datetime.fromisoformat(when) if isinstance(when, str) else when
    return moment.astimezone(KST).strftime("%Y-%m-%d %H:%M")


TEMPLATES.env.filters["kst"] = kst
TEMPLATES.env.globals["presets"] = PRESETS
TEMPLATES.env.globals["page_sizes"] = PAGE_SIZES


def render(
    request: Request,
    template: str,
    active: str,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    session: Session | None = getattr(request.state, "session", None)
    menus = list(MENUS)
    if session is not None and session.user.role.value == "sre":
        menus.append(SRE_MENU)
    flashed = request.cookies.get(SAID_COOKIE)
    if flashed and session is not None and not context.get("notice"):
        context["notice"] = _unsealed(session, flashed)
    response = TEMPLATES.TemplateResponse(
        request,
        template,
        {"session": session, "menus": menus, "active": active, **context},
        status_code=status_code,
    )
    if flashed:
        response.delete_cookie(SAID_COOKIE)
    return response


def said(request: Request, page: str, notice: str) -> Response:
    """Redirect-after-post: a change that worked answers 303 to its page (with the list's query
    when the form was sent from that page), and what it did rides along in a cookie read once,
    signed with the session's CSRF secret. A reload then repeats the GET, never the change.
    A fetch call (Accept: JSON) gets the notice itself."""
    if wants_json(request):
        return JSONResponse({"notice": notice})
    session: Session = request.state.session
    response = RedirectResponse(_back_to(request, page), status_code=303)
    response.set_cookie(
        SAID_COOKIE,
        _sealed(session, notice[:MAX_SAID]),
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


def _back_to(request: Request, page: str) -> str:
    """`page` (a path, maybe with a query) with the list's filter kept: the query of the page
    the form was sent from, else the one the form's action carried. Only ever a path here."""
    path = urlsplit(page).path
    came = urlsplit(request.headers.get("referer", ""))
    if came.netloc == request.url.netloc and came.path == path and came.query:
        return f"{path}?{came.query}"
    if request.url.query:
        return f"{path}?{request.url.query}"
    return page


def _mac(session: Session, text: str) -> str:
    key = session.csrf_token.encode()
    return hmac.new(key, text.encode(), "sha256").hexdigest()[:32]


def _sealed(session: Session, notice: str) -> str:
    text = base64.urlsafe_b64encode(notice.encode()).decode().rstrip("=")
    return f"{text}.{_mac(session, text)}"


def _unsealed(session: Session, value: str) -> str | None:
    """The notice a cookie carries, or None when it was not made for this session."""
    text, _, mac = value.partition(".")
    if not hmac.compare_digest(mac, _mac(session, text)):
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def refused_response(request: Request, exc: Refused) -> Response:
    if wants_json(request):
        return JSONResponse({"error": exc.message}, status_code=exc.status)
    return render(request, "error.html", "", status_code=exc.status, message=exc.message)


def not_signed_in_response(request: Request) -> Response:
    if wants_json(request):
        return JSONResponse({"error": "로그인이 필요합니다. 다시 로그인하세요."}, status_code=401)
    return RedirectResponse("/login", status_code=303)
