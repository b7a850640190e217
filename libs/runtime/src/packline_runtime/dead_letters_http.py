"""Dead letters over HTTP, the same in every service: list them by status, page by page, and
redrive one or several once their cause is fixed. A caller sees and redrives only the letters
of its own seller (the seller their event names); another seller's letter is answered as a
missing one. A letter whose seller could not be read (`unknown`: its payload names none) is
no seller's: the platform's operators reach it in the service's `dead_letters` table."""

from collections.abc import Callable, Mapping
from typing import Annotated

import asyncpg
from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from packline_runtime import auth, dead_letters
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
    by: str | None = Field(
        default=None,
        min_length=1,
        max_length=100,
        description="Ignored: the signed-in person (the token's `sub`) is recorded",
    )
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
        caller: auth.CallerDep,
        status: Status | None = None,
        limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
        before_id: Annotated[int | None, Query(ge=1, le=2**63 - 1)] = None,
    ) -> DeadLetterPage:
        """Newest first."""
        async with pool().acquire() as conn:
            items = await dead_letters.page(conn, caller.seller_id, status, limit, before_id)
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
        caller: auth.CallerDep,
        letter_id: Annotated[int, Path(ge=1, le=2**63 - 1)],
        body: RedriveRequest | None = None,
    ) -> RedriveResult:
        """Run the letter's event through its handler again: REDRIVEN when it succeeds,
        STILL_FAILING (letter stays OPEN with the new error), or a no-op when its event was
        processed meanwhile or the letter is no longer open."""
        try:
            return await redriver.redrive(
                letter_id, caller.seller_id, caller.sub, body.reason if body else ""
            )
        except LetterNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except NotRedrivable as exc:
            raise HTTPException(409, str(exc)) from exc
        except TRANSIENT_ERRORS as exc:
            raise HTTPException(503, "the database is busy; try again") from exc

    @api.post("/redrive")
    async def redrive_many(caller: auth.CallerDep, body: BulkRedriveRequest) -> BulkRedriveResult:
        """Each letter on its own, in order; one failing does not stop the others."""
        results: list[RedriveResult] = []
        for letter_id in dict.fromkeys(body.ids):
            try:
                results.append(
                    await redriver.redrive(letter_id, caller.seller_id, caller.sub, body.reason)
                )
            except LetterNotFound as exc:
                results.append(RedriveResult(id=letter_id, outcome="NOT_FOUND", message=str(exc)))
            except NotRedrivable as exc:
                results.append(
                    RedriveResult(id=letter_id, outcome="NOT_REDRIVABLE", message=str(exc))
                )
        return BulkRedriveResult(results=results)

    return api
