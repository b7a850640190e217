"""When a seller's bundles seal (합포 마감): after a hold window, at fixed cut-off times
(Asia/Seoul), or only when the console's 합포처리 button is pressed."""

import re
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
SealMode = Literal["HOLD", "CUTOFF", "MANUAL"]
_CUTOFF = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_cutoffs(text: str) -> tuple[time, ...]:
    """ "10:00,14:00" → times; raises ValueError naming the bad entry."""
    found = []
    for part in (p.strip() for p in text.split(",")):
        match = _CUTOFF.match(part)
        if not match:
            raise ValueError(f"cut-off '{part}' is not HH:MM (00:00–23:59), e.g. 10:00,14:00")
        found.append(time(int(match.group(1)), int(match.group(2))))
    return tuple(sorted(set(found)))


@dataclass(frozen=True)
class SealSettings:
    mode: SealMode = "HOLD"
    hold: timedelta | None = None  # None: the service's default window
    cutoffs: tuple[time, ...] = field(default=())


def seal_after(settings: SealSettings, now: datetime, default_hold: timedelta) -> datetime | None:
    """When a bundle opened `now` may seal; None means only by the button."""
    if settings.mode == "MANUAL":
        return None
    if settings.mode == "CUTOFF" and settings.cutoffs:
        local = now.astimezone(SEOUL)
        for days in (0, 1):
            day = local.date() + timedelta(days=days)
            for cut in settings.cutoffs:
                at = datetime.combine(day, cut, tzinfo=SEOUL)
                if at > local:
                    return at.astimezone(now.tzinfo)
    return now + (settings.hold if settings.hold is not None else default_hold)
