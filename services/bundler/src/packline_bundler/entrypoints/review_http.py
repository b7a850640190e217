"""Bundler HTTP API for people: the 확인필요 reviews (merge or keep apart) and unmerging a
sealed bundle. Names and addresses are shown here, to the console user; never logged."""

import json
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query
from pydantic import BaseModel, Field

from packline_bundler.adapters import reviews
from packline_bundler.service_layer import changes, use_cases
from packline_contracts import OrderMatched
from packline_runtime import auth, search
from packline_runtime.contention import LostRace, in_transaction
from packline_runtime.service import ServiceRuntime
from packline_runtime.tokens import Caller
from packline_runtime.unit_of_work import UnitOfWork

ReviewId = Annotated[int, Path(ge=1, le=2**63 - 1)]


class Decision(BaseModel):
    decided_by: str | None = Field(
        default=None,
        min_length=1,
        max_length=64,
        description="Ignored: the signed-in person (the token's `sub`) is recorded",
    )
    reason: str = Field(min_length=1, max_length=300, description="Why, in the person's words")


class Unmerge(Decision):
    orders: tuple[str, ...] = Field(min_length=1, description="Order uids to split off")


class Review(BaseModel):
    review_id: int
    status: str
    created_at: datetime
    decided_at: datetime | None
    bundles: list[str]
    a: dict[str, Any] | None = Field(description="One side: its order and recipient; null if gone")
    b: dict[str, Any] | None
    fields: list[dict[str, Any]] = Field(description="Which fields agree or differ, and why")


class ReviewPage(BaseModel):
    items: list[Review]
    next: str | None = Field(description="Pass as `cursor` for the next page; null at the end")


# the delivery message, and the marketplace's building number and road flag (read by the
# comparison, not shown: the side keeps the fields it showed before they existed)
HIDDEN = {"message", "building_management_no", "road_name_address"}


def _side(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    order = OrderMatched.model_validate_json(raw)
    shown = order.recipient.model_dump(exclude=HIDDEN)
    return {"order": order.order.uid, **shown}


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["review"])

    @api.get("/reviews")
    async def list_reviews(
        caller: auth.CallerDep,
        seller_id: Annotated[
            str | None, Query(min_length=1, max_length=64, description="Default: the caller's")
        ] = None,
        status: Literal["PENDING", "MERGED", "KEPT_APART", "OBSOLETE"] = "PENDING",
        limit: Annotated[int, Query(ge=1, le=200)] = 100,
        cursor: Annotated[str | None, Query(pattern=r"^[0-9]{1,18}$")] = None,
        q: search.Search = None,
        since: search.Since = None,
    ) -> ReviewPage:
        """확인필요: each pair side by side, with which fields agree or differ; a page at a
        time, oldest first (follow `next` as `cursor`). `q` searches the two orders' uids
        (never names, phones or addresses); `since`: raised from then on."""
        async with runtime.pool.acquire() as conn:
            rows = await reviews.pending(
                conn,
                auth.own_seller(caller, seller_id),
                status,
                limit + 1,
                int(cursor) if cursor else 0,
                search.patterns(q),
                since,
            )
        items = [
            Review(
                review_id=r["review_id"],
                status=r["status"],
                created_at=r["created_at"],
                decided_at=r["decided_at"],
                bundles=[str(r["bundle_a"]), str(r["bundle_b"])],
                a=_side(r["order_a"]),
                b=_side(r["order_b"]),
                fields=json.loads(r["fields"]),
            )
            for r in rows[:limit]
        ]
        more = len(rows) > limit
        return ReviewPage(items=items, next=str(items[-1].review_id) if more else None)

    async def decide(caller: Caller, review_id: int, merge: bool, body: Decision) -> dict[str, Any]:
        async def work(uow: UnitOfWork) -> None:
            await use_cases.decide(uow, caller.seller_id, review_id, merge, caller.sub, body.reason)

        try:
            await in_transaction(runtime.pool, work)
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from exc
        except (changes.Refused, LostRace) as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"review_id": review_id, "decision": "MERGE" if merge else "KEEP_APART"}

    @api.post("/reviews/{review_id}/merge")
    async def merge(caller: auth.CallerDep, review_id: ReviewId, body: Decision) -> dict[str, Any]:
        """합포: one box for both; later orders of this pair bundle together by themselves."""
        return await decide(caller, review_id, True, body)

    @api.post("/reviews/{review_id}/keep-apart")
    async def keep_apart(
        caller: auth.CallerDep, review_id: ReviewId, body: Decision
    ) -> dict[str, Any]:
        """미합포: separate boxes; later orders of this pair are not asked about again."""
        return await decide(caller, review_id, False, body)

    @api.post("/bundles/{bundle_id}/unmerge")
    async def unmerge(
        caller: auth.CallerDep, bundle_id: uuid.UUID, body: Unmerge
    ) -> dict[str, Any]:
        """Split orders off a sealed bundle that is not yet allocated."""

        async def work(uow: UnitOfWork) -> uuid.UUID:
            return await use_cases.unmerge(
                uow, caller.seller_id, bundle_id, body.orders, caller.sub, body.reason
            )

        try:
            new_id = await in_transaction(runtime.pool, work)
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from exc
        except (changes.Refused, LostRace) as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"bundle_id": str(bundle_id), "new_bundle_id": str(new_id)}

    return api
