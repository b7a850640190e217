"""`GET /flow` of the waybill stage (송장): numbers issued since a moment and the oldest parcel
still awaiting its number. Included by `http.router`, so every app built from it answers it."""

from typing import Protocol

import asyncpg
from fastapi import APIRouter

from packline_runtime import auth, flow
from packline_runtime.tokens import Role
from packline_waybill.adapters import views


class Pooled(Protocol):
    @property
    def pool(self) -> asyncpg.Pool: ...


def router(runtime: Pooled) -> APIRouter:
    http = APIRouter(tags=["waybills"])

    @http.get("/flow")
    async def waybill_flow(caller: auth.CallerDep, since: flow.FlowSince = None) -> flow.Flow:
        """Numbers issued since `since` (default: today, KST) and when the oldest parcel still
        awaiting a number was made; the token's seller's, for the sre role every seller's."""
        seller = None if caller.role is Role.SRE else caller.seller_id
        start = flow.start_of(since)
        async with runtime.pool.acquire() as conn:
            done, oldest = await views.flow(conn, seller, start)
        return flow.Flow(since=start, done=done, oldest=oldest)

    return http
