"""The routes every service has besides its own: liveness, readiness and metrics for anyone
(no tenant data), and, behind a token, the decisions people made and the outbox backlog."""

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel

from packline_runtime import auth, decisions
from packline_runtime.paging import Limit, Offset, Page, page

if TYPE_CHECKING:
    from packline_runtime.service import ServiceRuntime


class Decision(BaseModel):
    decision_id: int
    action: str
    subject: Any
    decided_by: str
    reason: str
    decided_at: datetime


def health_router(runtime: "ServiceRuntime") -> APIRouter:
    """The routes anyone may call: liveness, readiness and metrics (no tenant data)."""
    router = APIRouter(tags=["operations"])

    @router.get("/health/live")
    async def live() -> dict[str, str]:
        return {"status": "ok", "service": runtime.service}

    @router.get("/health/ready")
    async def ready(response: Response) -> dict[str, Any]:
        checks = {
            "database": await _database_check(runtime),
            "broker": await runtime.broker_check(),
        }
        ok = all(v == "ok" for v in checks.values())
        response.status_code = 200 if ok else 503
        return {"status": "ok" if ok else "unavailable", "service": runtime.service, **checks}

    @router.get(
        "/metrics",
        response_class=PlainTextResponse,
        responses={200: {"content": {"text/plain": {}}}},
    )
    async def prometheus_metrics() -> Response:
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    return router


def operations_router(runtime: "ServiceRuntime") -> APIRouter:
    """Operations that need a token: decisions (the caller's seller's), outbox backlog."""
    router = APIRouter(tags=["operations"])

    @router.get("/decisions")
    async def list_decisions(
        caller: auth.CallerDep,
        seller_id: Annotated[str | None, Query(min_length=1, max_length=64)] = None,
        action: Annotated[str | None, Query(max_length=64)] = None,
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[Decision]:
        """Who decided what, when and why (match, merge, keep apart, unmerge, settings)."""
        seller = auth.own_seller(caller, seller_id)
        async with runtime.pool.acquire() as conn:
            rows = await decisions.recent(conn, seller, action, limit + 1, offset)
        return page([Decision.model_validate(r) for r in rows], limit, offset)

    @router.get("/outbox/backlog")
    async def outbox_backlog(caller: auth.CallerDep) -> dict[str, int]:
        """Events of the caller's seller written but not yet published."""
        return {"unpublished": await runtime.outbox_backlog(caller.seller_id)}

    return router


async def _database_check(runtime: "ServiceRuntime") -> str:
    async def select_one() -> None:
        async with runtime.pool.acquire() as conn:
            await conn.fetchval("SELECT 1")

    try:
        await asyncio.wait_for(select_one(), timeout=2.0)
    except Exception as exc:
        return f"failed: {type(exc).__name__}"
    return "ok"
