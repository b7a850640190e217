"""DeadLettered: a consumed message that can never succeed was set aside, with its error."""

from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event


class DeadLettered(Event):
    """Published for consoles and alerts; the service keeps the payload in its dead_letters."""

    event_type: Literal["DeadLettered"] = "DeadLettered"
    schema_version: Literal[1] = 1
    consumer: str = Field(min_length=1, max_length=100, description="Consumer group")
    topic: str = Field(min_length=1, max_length=200)
    kafka_partition: int = Field(ge=0)
    kafka_offset: int = Field(ge=0)
    failed_event_id: str = Field(default="", max_length=64, description="Empty when unparseable")
    failed_event_type: str = Field(default="", max_length=64)
    error: str = Field(min_length=1, max_length=4000, description="Field paths, never values")
