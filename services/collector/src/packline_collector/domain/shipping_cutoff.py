"""출고 마감 (shipping cut-off): an order collected before a day's cut-off (Asia/Seoul) must ship
that day; one collected at or after it, by the next day's cut-off."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

KST = ZoneInfo("Asia/Seoul")


def parse_cutoff(text: str) -> time:
    """ "15:00" → 15:00; anything else says what was wrong and what is expected."""
    try:
        hours, minutes = (int(part) for part in text.strip().split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValueError(
            f"shipping cut-off '{text}' is not HH:MM (00:00–23:59, Asia/Seoul), e.g. 15:00"
        ) from None


def ship_by(collected_at: datetime, cutoff: time) -> datetime:
    """The moment (UTC) an order collected at `collected_at` must have shipped."""
    local = collected_at.astimezone(KST)
    day = local.date() if local.time() < cutoff else local.date() + timedelta(days=1)
    return datetime.combine(day, cutoff, tzinfo=KST).astimezone(UTC)
