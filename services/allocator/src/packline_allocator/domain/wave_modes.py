"""How a seller's allocation waves run: continuously as stock and bundles arrive (the default),
only when a person presses 할당처리, or on a schedule every N minutes. A wave a person or the
schedule asks for always runs; one that events would start runs only in CONTINUOUS mode."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from packline_allocator.domain.decisions import Trigger


class WaveMode(StrEnum):
    CONTINUOUS = "CONTINUOUS"
    MANUAL = "MANUAL"
    SCHEDULED = "SCHEDULED"


class ModeRefused(ValueError):
    """A schedule without an interval, or an interval without a schedule."""


@dataclass(frozen=True)
class WaveSchedule:
    mode: WaveMode = WaveMode.CONTINUOUS
    every_minutes: int | None = None
    last_run_at: datetime | None = None

    def __post_init__(self) -> None:
        if (self.mode is WaveMode.SCHEDULED) != (self.every_minutes is not None):
            raise ModeRefused("every_minutes is given exactly when the mode is SCHEDULED")
        if self.every_minutes is not None and not 1 <= self.every_minutes <= 1440:
            raise ModeRefused("every_minutes is 1 to 1440 (a day)")

    def runs(self, trigger: Trigger) -> bool:
        """Whether a wave of this trigger runs for the seller."""
        return trigger is not Trigger.CONTINUOUS or self.mode is WaveMode.CONTINUOUS

    def due(self, now: datetime) -> bool:
        if self.mode is not WaveMode.SCHEDULED or self.every_minutes is None:
            return False
        return self.last_run_at is None or now >= self.last_run_at + timedelta(
            minutes=self.every_minutes
        )
