"""Dead letters over HTTP, the same in every service: list them by status, page by page, and
redrive one or several once their cause is fixed."""

from collections.abc import Callable, Mapping
from typing import Annotated

import asyncpg
from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from packline_runtime import dead_letters
from packline_runtime.consumer import TRANSIENT_ERRORS, BatchConsumer
from packline_runtime.dead_letters import Status, StoredLetter
from packline_runtime.redrive import LetterNotFound, NotRedrivable, Redriver, RedriveResult

MAX_PAGE = 500
MAX_BULK = 100


class DeadLetterPage(BaseModel):
    items: list[StoredLetter]
    next_before_id: int | None = Field(
        description="Pass as before_id for the next page; null on the last page"
    )


class RedriveRequest(BaseModel):
    by: str = Field(min_length=1, max_length=100, description="Who sends the letter back")
    reason: str = Field(default="", max_length=500)


class BulkRedriveRequest(RedriveRequest):
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] = Field(min_length=1, max_length=MAX_BULK)


class BulkRedriveResult(BaseModel):
    results: list[RedriveResult]


def router(
    pool: Callable[[], asyncpg.Pool], consumers: Callable[[], Mapping[str, BatchConsumer]]
) -> APIRouter:
    api = APIRouter(prefix="/dead-letters", tags=["operations"])
    redriver = Redriver(pool, consumers)

    @api.get("")
    async def list_dead_letters(
        status: Status | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        before_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    ) -> DeadLetterPage:
        """Newest first."""
        async with pool().acquire() as conn:
            items = await dead_letters.page(conn, status, limit, before_id)
        return DeadLetterPage(
            items=items, next_before_id=items[-1].id if len(items) == limit else None
        )

    @api.post(
        "/{letter_id}/redrive",
        responses={
            404: {"description": "No such letter"},
            409: {"description": "Malformed, or of a type no subscription here takes"},
            503: {"description": "The database is busy; try again"},
        },
    )
    async def redrive(
        letter_id: Annotated[int, Path(ge=1, le=2**63 - 1)], body: RedriveRequest
    ) -> RedriveResult:
        """Run the letter's event through its handler again: REDRIVEN when it succeeds,
        STILL_FAILING (letter stays OPEN with the new error), or a no-op when its event was
        processed meanwhile or the letter is no longer open."""
        try:
            return await redriver.redrive(letter_id, body.by, body.reason)
        except LetterNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except NotRedrivable as exc:
            raise HTTPException(409, str(exc)) from exc
        except TRANSIENT_ERRORS as exc:
            raise HTTPException(503, "the database is busy; try again") from exc

    @api.post("/redrive")
    async def redrive_many(body: BulkRedriveRequest) -> BulkRedriveResult:
        """Each letter on its own, in order; one failing does not stop the others."""
        results: list[RedriveResult] = []
        for letter_id in dict.fromkeys(body.ids):
            try:
                results.append(await redriver.redrive(letter_id, body.by, body.reason))
            except LetterNotFound as exc:
                results.append(RedriveResult(id=letter_id, outcome="NOT_FOUND", message=str(exc)))
            except NotRedrivable as exc:
                results.append(
                    RedriveResult(id=letter_id, outcome="NOT_REDRIVABLE", message=str(exc))
                )
        return BulkRedriveResult(results=results)

    return api
