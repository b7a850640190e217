"""`since` (lists) and /flow's `since` are ISO 8601 moments Python and PostgreSQL can hold in UTC:
a number is no moment (as the schema's `date-time` says), and one that leaves the years 1-9999
once in UTC is a 422, not a driver's OverflowError (500)."""

from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from packline_runtime import flow, search

app = FastAPI()


@app.get("/list")
def listing(since: search.Since = None) -> dict[str, str | None]:
    return {"since": since.isoformat() if since else None}


@app.get("/flow")
def flowing(since: flow.FlowSince = None) -> dict[str, str]:
    return {"since": flow.start_of(since).isoformat()}


def _client() -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")


@pytest.mark.parametrize("path", ["/list", "/flow"])
@pytest.mark.parametrize(
    "moment",
    [
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "0.5",  # pydantic alone would read seconds since 1970
        "1764547200",
        "2026-12-01",  # a date is no moment
        "2026-12-01T09:00:00",  # nor a time without its offset
    ],
)
async def test_a_moment_not_iso_or_outside_the_years_1_to_9999_in_utc_is_422(
    path: str, moment: str
) -> None:
    async with _client() as client:
        answer = await client.get(path, params={"since": moment})
    assert answer.status_code == 422, answer.text


async def test_a_moment_is_taken_in_utc() -> None:
    async with _client() as client:
        answer = await client.get("/list", params={"since": "2026-12-01T09:00:00+09:00"})
        assert answer.json() == {"since": "2026-12-01T00:00:00+00:00"}
        assert (await client.get("/list")).json() == {"since": None}
        early = await client.get("/flow", params={"since": "0001-01-01T09:00:00+09:00"})
    assert datetime.fromisoformat(early.json()["since"]) == datetime(1, 1, 1, tzinfo=UTC)
