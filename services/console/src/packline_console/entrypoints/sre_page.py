"""SRE: per stage events/s, handler p50/p99, consumer lag, outbox backlog, new dead letters and
the oldest unprocessed age over the last hour, for the platform role `sre` only (across sellers;
the services' metrics name no seller and no recipient). Charts are SVG made here; a small script
refreshes them."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from packline_console.adapters.metrics_feed import Prometheus, Sampler
from packline_console.adapters.services import SERVICE_NAMES
from packline_console.domain.line_chart import line_svg
from packline_console.entrypoints.web import TEMPLATES, Console, ConsoleDep, Refused, SessionDep
from packline_console.entrypoints.web import render as render_page
from packline_console.service_layer import sre

REFRESH_SECONDS = 15


@dataclass
class SreFeed:
    sampler: Sampler
    prometheus: Prometheus | None


@asynccontextmanager
async def _feed(app: FastAPI) -> AsyncIterator[None]:
    """Runs inside the console's lifespan (after it has put the Console on app.state)."""
    console: Console = app.state.console
    settings = console.settings
    sampler = Sampler(console.services, console.clock, settings.sre_sample_seconds)
    if settings.prometheus_url:
        app.state.sre = SreFeed(sampler, Prometheus(settings.prometheus_url, console.services.http))
        yield
        return
    app.state.sre = SreFeed(sampler, None)
    async with sampler.running():
        yield


router = APIRouter(lifespan=_feed)


def feed_of(request: Request) -> SreFeed:
    feed: SreFeed = request.app.state.sre
    return feed


async def _board(request: Request, console: Console, session: SessionDep) -> sre.Board:
    if session.user.role.value != "sre":
        raise Refused(403, "SRE 계정만 볼 수 있는 페이지입니다.")
    feed = feed_of(request)
    now = console.clock()
    if feed.prometheus is not None:
        return await sre.from_prometheus(feed.prometheus, now)
    return sre.from_ring(feed.sampler.ring, now, feed.sampler.down)


def _charts(board: sre.Board) -> list[tuple[str, Markup]]:
    # made on the server from numbers; every label is escaped in line_svg
    return [
        (c.title, Markup(line_svg(c, board.end, sre.HOUR, SERVICE_NAMES))) for c in board.charts
    ]


@router.get("/sre")
async def sre_page(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    board = await _board(request, console, session)
    return render_page(
        request,
        "sre.html",
        "sre",
        board=board,
        charts=_charts(board),
        banners=board.banners,
        notes=sre.NOTES,
        refresh=REFRESH_SECONDS,
        interval=console.settings.sre_sample_seconds,
    )


@router.get("/sre/charts", response_class=HTMLResponse)
async def sre_charts(request: Request, console: ConsoleDep, session: SessionDep) -> Response:
    """The charts alone, for the page's refresh script."""
    board = await _board(request, console, session)
    return TEMPLATES.TemplateResponse(
        request, "_sre_charts.html", {"board": board, "charts": _charts(board)}
    )
