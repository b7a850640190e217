"""Coupang's createdAtFrom/createdAtTo: whole days (≤31) or, with searchType=timeFrame, minutes
within 24 hours. v4 writes `2026-11-28`; v5 adds the offset, `2026-11-28+09:00`."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi import HTTPException

SEOUL = ZoneInfo("Asia/Seoul")
_FORM = re.compile(r"^(\d{4}-\d{2}-\d{2})(T\d{2}:\d{2}(?::\d{2})?)?([+-]\d{2}:\d{2})?$")


def _parse(name: str, text: str, time_frame: bool) -> datetime:
    match = _FORM.match(text.strip())
    if not match:
        raise HTTPException(
            400, f"{name} must look like 2026-11-28, 2026-11-28+09:00 or 2026-11-28T09:00"
        )
    day, clock, offset = match.groups()
    if time_frame and not clock:
        raise HTTPException(
            400, f"{name} needs a time (yyyy-MM-ddTHH:mm) with searchType=timeFrame"
        )
    moment = datetime.fromisoformat(day + (clock or "T00:00") + (offset or ""))
    return moment if moment.tzinfo else moment.replace(tzinfo=SEOUL)


def window(created_from: str, created_to: str, search_type: str) -> tuple[datetime, datetime]:
    """[start, end) of the boxes' orderedAt to list."""
    time_frame = search_type == "timeFrame"
    start = _parse("createdAtFrom", created_from, time_frame)
    end = _parse("createdAtTo", created_to, time_frame)
    if not time_frame:
        start = start.replace(hour=0, minute=0, second=0)
        end = end.replace(hour=0, minute=0, second=0) + timedelta(days=1)
        if end - start > timedelta(days=31):
            raise HTTPException(400, "createdAtFrom..createdAtTo may span at most 31 days")
    elif end - start > timedelta(hours=24):
        raise HTTPException(400, "with searchType=timeFrame the window may span at most 24 hours")
    if end <= start:
        raise HTTPException(400, "createdAtTo must not be before createdAtFrom")
    return start, end
