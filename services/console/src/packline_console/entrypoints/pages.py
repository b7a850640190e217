"""대시보드, the pages not built yet, and the console's own health routes."""

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from packline_console.entrypoints.web import MENUS, SRE_MENU, ConsoleDep, SessionDep, render
from packline_console.service_layer import dashboard

router = APIRouter()
LATER = {menu.key: menu.label for menu in (*MENUS, SRE_MENU)}


@router.get("/")
async def home() -> Response:
    return RedirectResponse("/dashboard", status_code=303)


@router.get("/dashboard")
async def dashboard_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    built = await dashboard.build(console.services, session.user, console.clock())
    return render(
        request,
        "dashboard.html",
        "dashboard",
        board=built,
        funnel=Markup(built.funnel),  # made on the server from numbers, labels escaped
        banners=built.banners,
    )


@router.get("/soon/{menu}")
async def not_built_yet(request: Request, menu: str, session: SessionDep) -> Response:
    label = LATER.get(menu)
    if label is None:
        return render(request, "error.html", "", 404, message="없는 메뉴입니다.")
    return render(request, "soon.html", menu, label=label)


@router.get("/health/live")
async def live() -> dict[str, str]:
    return {"status": "ok", "service": "console"}


@router.get("/health/ready")
async def ready(console: ConsoleDep, response: Response) -> dict[str, str]:
    try:
        async with console.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")
    except Exception as exc:
        response.status_code = 503
        return {"status": "unavailable", "database": f"failed: {type(exc).__name__}"}
    return {"status": "ok", "service": "console", "database": "ok"}
