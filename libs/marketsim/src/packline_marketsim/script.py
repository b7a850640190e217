"""Scripted misbehaviour for tests: rate limits, server errors, slow answers, a malformed row,
and buyers who change the address or cancel at a chosen moment."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

import packline_simkit as simkit

Operation = Literal[
    # Coupang WING
    "ordersheets",
    "ordersheet",
    "acknowledge",
    "invoices",
    "updateInvoices",
    "returnRequests",
    # Naver Commerce
    "token",
    "changes",
    "query",
    "confirm",
    "dispatch",
    # 11st
    "complete",
    "packaging",
    "reqpackaging",
    "reqdelivery",
    "cancelorders",
    "orderlistalladdr",
]
Action = Literal[
    "rate_limit",  # 429 with Retry-After and rate-limit headers (Naver: code GW.RATE_LIMIT)
    "server_error",  # `status` (5xx) with an error body
    "slow",  # wait `delay_seconds`, then answer normally
    "malformed_row",  # one row of the answer loses a field's type
    "change_address",  # the buyer moves the order to another address, then the call runs
    "cancel",  # the buyer cancels the order (Coupang cancel/hold counts, Naver claim) first
    "ack_retry",  # Coupang acknowledgement: the box fails with retryRequired=true
    "odd_encoding",  # 11st: CP949-only syllables under euc-kr, the Content-Type saying UTF-8
    "broken_xml",  # 11st: the XML document is cut off
]


class Rule(BaseModel):
    """Fires on calls matching marketplace/account/operation (null or empty: any): skips `skip`
    of them, then acts on the next `times`. State actions act on `order_ids`, or on what the call
    names."""

    model_config = ConfigDict(extra="forbid")

    action: Action
    marketplace: Literal["COUPANG", "NAVER", "ELEVENST"] | None = None
    account: str | None = Field(
        default=None, description="vendorId, Naver client_id or 11st seller ID"
    )
    operation: Operation | None = None
    times: int = Field(default=1, ge=1)
    skip: int = Field(default=0, ge=0)
    status: int = Field(default=503, ge=500, le=599)
    retry_after: float = Field(default=1.0, ge=0)
    delay_seconds: float = Field(default=0.0, ge=0, le=120)
    order_ids: list[str] = Field(default_factory=list)


Script = simkit.Script[Rule]
