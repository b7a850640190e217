"""An order a later stage could not handle (a dead letter there) is stranded until redriven."""

from datetime import datetime

from pydantic import BaseModel, Field


class OrderDeadLetter(BaseModel):
    """One open dead letter of a stage that concerns this order."""

    service: str = Field(description="The stage that set the event aside")
    consumer: str
    dead_letter_id: int = Field(description="Redrive with POST /dead-letters/{id}/redrive there")
    failed_event_type: str
    error: str = Field(description="Field paths and problems, never values")
    attempts: int
    failed_at: datetime
    updated_at: datetime
