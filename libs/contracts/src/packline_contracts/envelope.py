"""The envelope every Packline event carries: identity, tenant, causality and time."""

import os
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from packline_contracts.text_rules import check_nul


def new_event_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): 48-bit Unix milliseconds, then random bits, so ids sort by time."""
    unix_ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (unix_ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= ((rand >> 62) & 0xFFF) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # RFC 4122 variant
    value |= rand & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Envelope(BaseModel):
    """Fields shared by every event. Subclasses add the payload and pin `event_type`."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    event_id: uuid.UUID = Field(default_factory=new_event_id, description="UUIDv7")
    schema_version: int = Field(ge=1, description="Version of this event's JSON Schema")
    occurred_at: AwareDatetime = Field(default_factory=utcnow, description="When it happened, UTC")
    seller_id: str = Field(min_length=1, max_length=64, description="Tenant: the seller")
    correlation_id: uuid.UUID = Field(description="event_id of the first event of this chain")
    causation_id: uuid.UUID | None = Field(
        default=None, description="event_id of the event that caused this one"
    )

    @field_validator("occurred_at")
    @classmethod
    def _to_utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @model_validator(mode="after")
    def _no_nul(self, info: ValidationInfo) -> "Envelope":
        check_nul(self.__dict__, info)
        return self

    def follow_up(self) -> dict[str, Any]:
        """Envelope fields for an event this one causes: same tenant and chain, caused by this."""
        return {
            "seller_id": self.seller_id,
            "correlation_id": self.correlation_id,
            "causation_id": self.event_id,
        }
