"""Scripted misbehaviour for tests: server errors, slow answers, rate limits, an exhausted daily
quota and malformed answers, on the next calls that match."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

import packline_simkit as simkit

Operation = Literal["book", "address", "track"]
Action = Literal[
    "server_error",  # `status` (5xx) with an error body
    "slow",  # wait `delay_seconds`, then answer normally
    "rate_limit",  # 429 RATE_LIMITED with Retry-After: `retry_after`
    "quota_exceeded",  # 403 QUOTA_EXCEEDED, no Retry-After
    "malformed",  # the answer loses its shape (a result without its fields)
]


class Rule(BaseModel):
    """Fires on calls matching account/operation (null or empty: any): skips `skip` of them,
    then acts on the next `times`."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    account: str | None = Field(default=None, description="key id; any account when null")
    operation: Operation | None = None
    times: int = Field(default=1, ge=1)
    skip: int = Field(default=0, ge=0)
    status: int = Field(default=503, ge=500, le=599)
    retry_after: int = Field(default=1, ge=0, le=3600)
    delay_seconds: float = Field(default=0.0, ge=0, le=120)


Script = simkit.Script[Rule]
