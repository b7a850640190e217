"""`GET /flow`, which every service answers the same way: how many items passed its stage since a
moment (default: today's start in Asia/Seoul) and when the oldest item still waiting in each of
its queues arrived. The console's dashboard draws today's funnel and "oldest waiting" from it;
it holds counts and times only, so the sre role may read it across sellers too."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Query
from pydantic import AfterValidator, AwareDatetime, BaseModel, BeforeValidator, Field

from packline_runtime.db import Conn
from packline_runtime.gauges import OldestQuery
from packline_runtime.search import in_utc, iso_only

KST = ZoneInfo("Asia/Seoul")

FlowSince = Annotated[
    AwareDatetime | None,
    BeforeValidator(iso_only),
    AfterValidator(in_utc),
    Query(description="Count from this moment (ISO 8601 with offset); default: today 00:00 KST"),
]


class Flow(BaseModel):
    since: AwareDatetime
    done: dict[str, int] = Field(description="Items that passed this stage since `since`, by name")
    oldest: dict[str, AwareDatetime | None] = Field(
        description="Per queue, when its oldest waiting item arrived (null: nothing waits)"
    )


def start_of(since: datetime | None, now: datetime | None = None) -> datetime:
    """The moment to count from, in UTC: the one asked for, or today's start in Korea."""
    if since is not None:
        return since.astimezone(UTC)
    local = (now or datetime.now(UTC)).astimezone(KST).date()
    return datetime.combine(local, time(0), tzinfo=KST).astimezone(UTC)


# a service's /flow adapter: (conn, seller or None for all, since) → (done, oldest)
FlowQuery = Callable[
    [Conn, str | None, datetime], Awaitable[tuple[dict[str, int], dict[str, datetime | None]]]
]


def oldest_of(query: FlowQuery) -> OldestQuery:
    """The /flow adapter as the oldest-unprocessed-age gauge's sample: every seller's queues.
    Counted from now, so the counts it makes as well cover (almost) nothing."""

    async def oldest(conn: Conn) -> dict[str, datetime | None]:
        _done, found = await query(conn, None, datetime.now(UTC))
        return found

    oldest.__qualname__ = f"oldest_of({getattr(query, '__module__', '')}.{query.__name__})"
    return oldest
