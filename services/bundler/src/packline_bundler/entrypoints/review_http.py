"""Bundler HTTP API for people: the 확인필요 reviews (merge or keep apart) and unmerging a
sealed bundle. Names and addresses are shown here, to the console user; never logged."""

import json
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from pydantic import BaseModel, Field

from packline_bundler.adapters import reviews
from packline_bundler.service_layer import changes, review_decisions
from packline_contracts import OrderMatched
from packline_runtime.paging import Limit, Offset, Page, RowId, page
from packline_runtime.service import ServiceRuntime


class Decision(BaseModel):
    decided_by: str = Field(min_length=1, max_length=64)
    reason: str = Field(min_length=1, max_length=300, description="Why, in the person's words")


class Unmerge(Decision):
    orders: tuple[str, ...] = Field(min_length=1, description="Order uids to split off")


def _side(raw: str | None) -> dict[str, Any] | None:
    if raw is None:
        return None
    order = OrderMatched.model_validate_json(raw)
    return {"order": order.order.uid, **order.recipient.model_dump(exclude={"message"})}


def router(runtime: ServiceRuntime) -> APIRouter:
    api = APIRouter(tags=["review"])

    @api.get("/reviews")
    async def list_reviews(
        seller_id: Annotated[str, Query(min_length=1, max_length=64)],
        status: Literal["PENDING", "MERGED", "KEPT_APART", "OBSOLETE"] = "PENDING",
        limit: Limit = 100,
        offset: Offset = 0,
    ) -> Page[dict[str, Any]]:
        """확인필요: each pair side by side, with which fields agree or differ."""
        async with runtime.pool.acquire() as conn:
            rows = await reviews.pending(conn, seller_id, status, limit + 1, offset)
        items = [
            {
                "review_id": r["review_id"],
                "status": r["status"],
                "created_at": r["created_at"],
                "decided_at": r["decided_at"],
                "bundles": [str(r["bundle_a"]), str(r["bundle_b"])],
                "a": _side(r["order_a"]),
                "b": _side(r["order_b"]),
                "fields": json.loads(r["fields"]),
            }
            for r in rows
        ]
        return page(items, limit, offset)

    async def decide(review_id: int, merge: bool, body: Decision) -> dict[str, Any]:
        try:
            async with runtime.unit_of_work() as uow:
                await review_decisions.decide(uow, review_id, merge, body.decided_by, body.reason)
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from exc
        except changes.Refused as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"review_id": review_id, "decision": "MERGE" if merge else "KEEP_APART"}

    @api.post("/reviews/{review_id}/merge")
    async def merge(review_id: RowId, body: Decision) -> dict[str, Any]:
        """합포: one box for both; later orders of this pair bundle together by themselves."""
        return await decide(review_id, True, body)

    @api.post("/reviews/{review_id}/keep-apart")
    async def keep_apart(review_id: RowId, body: Decision) -> dict[str, Any]:
        """미합포: separate boxes; later orders of this pair are not asked about again."""
        return await decide(review_id, False, body)

    @api.post("/bundles/{bundle_id}/unmerge")
    async def unmerge(bundle_id: uuid.UUID, body: Unmerge) -> dict[str, Any]:
        """Split orders off a sealed bundle that is not yet allocated."""
        try:
            async with runtime.unit_of_work() as uow:
                new_id = await changes.unmerge(
                    uow, bundle_id, body.orders, body.decided_by, body.reason
                )
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from exc
        except changes.Refused as exc:
            raise HTTPException(409, str(exc)) from exc
        return {"bundle_id": str(bundle_id), "new_bundle_id": str(new_id)}

    return api
