"""DeadLettered: a consumed message that can never succeed was set aside, with its error."""

from typing import Literal

from pydantic import Field

from packline_contracts.events.base import Event


class DeadLettered(Event):
    """Published for consoles and alerts; the service keeps the payload in its dead_letters.
    Published again when the letter is redriven (status REDRIVEN, or OPEN with the new error).
    Version 2 added the letter's id, service, status, attempts and the orders it concerns;
    version 1 messages still parse."""

    event_type: Literal["DeadLettered"] = "DeadLettered"
    schema_version: Literal[1, 2] = 2
    consumer: str = Field(min_length=1, max_length=100, description="Consumer group")
    topic: str = Field(min_length=1, max_length=200)
    kafka_partition: int = Field(ge=0)
    kafka_offset: int = Field(ge=0)
    failed_event_id: str = Field(default="", max_length=64, description="Empty when unparseable")
    failed_event_type: str = Field(default="", max_length=64)
    error: str = Field(min_length=1, max_length=4000, description="Field paths, never values")
    dead_letter_id: int = Field(
        default=0, ge=0, description="Id in the service's dead_letters (0 in version 1)"
    )
    service: str = Field(default="", max_length=64, description="Service that set it aside")
    order_uids: tuple[str, ...] = Field(
        default=(), max_length=1000, description="OrderRef uids of the orders it concerns"
    )
    status: Literal["OPEN", "REDRIVEN", "ALREADY_PROCESSED"] = Field(
        default="OPEN", description="OPEN until a redrive succeeds"
    )
    attempts: int = Field(default=1, ge=1, description="Handler runs so far, redrives included")
