"""The courier's tracking call (`POST /api/v1/tracking`, up to 100 numbers) with each number's
scan history, through the same signed, retried transport as booking (429's Retry-After is
honoured there). Answers are validated before they are believed; a scan with a status outside
tracker.delivery's vocabulary is dropped, the rest of the answer used."""

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import AwareDatetime, BaseModel, Field

from packline_waybill.adapters.courier_answers import CourierErrorBody
from packline_waybill.adapters.courier_http import (
    CourierApiError,
    CourierSession,
    validated,
)

__all__ = ["CourierApiError", "CourierTracker", "Tracked", "TrackedScan"]

log = logging.getLogger(__name__)

TRACK_PATH = "/api/v1/tracking"
PER_CALL = 100


class _ScanBody(BaseModel):
    status: str = Field(max_length=40)
    time: AwareDatetime
    status_text: str | None = Field(default=None, max_length=200)
    location: str | None = Field(default=None, max_length=200)


class _TrackedBody(BaseModel):
    tracking_number: str = Field(max_length=32)
    status: str | None = Field(default=None, max_length=40)
    updated_at: AwareDatetime | None = None
    events: list[_ScanBody] | None = None  # null or missing: no history offered
    error: CourierErrorBody | None = None


class _TrackAnswer(BaseModel):
    results: list[_TrackedBody]


@dataclass(frozen=True)
class TrackedScan:
    status: str
    at: AwareDatetime
    text: str | None
    location: str | None


@dataclass(frozen=True)
class Tracked:
    """One number as the courier answered: its status, or an error code (NOT_FOUND: the courier
    does not know the number)."""

    tracking_number: str
    status: str | None
    updated_at: AwareDatetime | None
    scans: tuple[TrackedScan, ...]
    error_code: str | None


def _digits(number: str) -> str:
    return "".join(c for c in number if "0" <= c <= "9")


class CourierTracker(CourierSession):
    """One courier account's tracking. `async with CourierTracker(credentials) as tracker:`."""

    async def track(self, numbers: Sequence[str]) -> dict[str, Tracked]:
        """One call for at most 100 numbers: number → what the courier said. Raises
        CourierApiError when the call failed (after the transport's retries)."""
        if len(numbers) > PER_CALL:
            raise ValueError(f"at most {PER_CALL} numbers a call")
        answer = validated(
            _TrackAnswer,
            await self._http.post(TRACK_PATH, {"numbers": list(numbers)}),
            TRACK_PATH,
        )
        by_number = {_digits(r.tracking_number): r for r in answer.results}
        out: dict[str, Tracked] = {}
        for number in numbers:
            found = by_number.get(_digits(number))
            if found is None:
                out[number] = Tracked(number, None, None, (), "MISSING_FROM_ANSWER")
                continue
            scans = tuple(
                TrackedScan(s.status, s.time, s.status_text, s.location) for s in found.events or ()
            )
            code = found.error.code if found.error else None
            out[number] = Tracked(number, found.status, found.updated_at, scans, code)
        return out
