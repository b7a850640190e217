"""출고 마감 (shipping cut-off): an order collected before a day's cut-off (Asia/Seoul) must ship
that day; one collected at or after it, by the next day's cut-off. Each seller sets its own
cut-off; a seller who set none has the collector's default (PACKLINE_SHIPPING_CUTOFF)."""

from collections.abc import Iterable
from dataclasses import dataclass
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


def format_cutoff(cutoff: time) -> str:
    """15:00 → "15:00" (what parse_cutoff reads back)."""
    return f"{cutoff.hour:02d}:{cutoff.minute:02d}"


@dataclass(frozen=True)
class Waiting:
    """A seller's oldest order not yet shipped, and the cut-off the seller set (None: none)."""

    seller_id: str
    oldest_collected_at: datetime
    cutoff: time | None


def earliest_due(waiting: Iterable[Waiting], default: time) -> datetime | None:
    """The earliest moment (UTC) an order still waiting had to ship by, each seller's oldest
    under the seller's own cut-off (the default for a seller who set none); None: none waits.
    A seller's oldest order is its earliest due: under one cut-off, later means later."""
    return min(
        (
            ship_by(w.oldest_collected_at, default if w.cutoff is None else w.cutoff)
            for w in waiting
        ),
        default=None,
    )
