"""A courier's webhook (tracker.delivery style: it says only which number changed), checked
against the courier account's API secret, then the number is marked for an immediate poll.

The courier signs `t + "." + raw body` with HMAC-SHA256 and the account's API secret and sends
`X-Courier-Signature: t=<unix seconds>, v1=<hex>`; a signature more than five minutes old or new
is refused, so a captured call cannot be replayed later."""

import hashlib
import hmac
import json
import time
from datetime import datetime

from pydantic import BaseModel, Field, ValidationError

from packline_runtime.db import Conn
from packline_runtime.secret_box import SecretBox, SecretError
from packline_waybill.adapters import tracking as store
from packline_waybill.service_layer import accounts as account_repo

SIGNATURE_HEADER = "X-Courier-Signature"
MAX_SKEW_SECONDS = 300


class WebhookRefused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class WebhookBody(BaseModel):
    tracking_number: str = Field(pattern=r"^[0-9]{8,16}$")


def _fields(header: str) -> dict[str, str]:
    parts = (p.strip().split("=", 1) for p in header.split(","))
    return {p[0]: p[1] for p in parts if len(p) == 2}


def verify(secret: str, header: str | None, body: bytes, at: float) -> None:
    fields = _fields(header or "")
    stamp, given = fields.get("t", ""), fields.get("v1", "")
    if not stamp.isdigit() or not given:
        raise WebhookRefused(
            401, f"missing or malformed {SIGNATURE_HEADER} header: expected 't=<unix>, v1=<hex>'"
        )
    if abs(at - int(stamp)) > MAX_SKEW_SECONDS:
        raise WebhookRefused(401, "the webhook's timestamp is more than 5 minutes off")
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + body, hashlib.sha256)
    if not hmac.compare_digest(expected.hexdigest(), given):
        raise WebhookRefused(401, "the webhook's signature does not match this courier account")


async def number_changed(
    conn: Conn,
    box: SecretBox | None,
    account_id: int,
    body: bytes,
    header: str | None,
    now: datetime,
) -> int:
    """How many followed parcels were marked for an immediate poll (0 for a number we do not
    follow, or no longer poll: the courier needs no other answer)."""
    seller_id = await store.account_seller(conn, account_id)
    try:
        account = await account_repo.opened(conn, seller_id, account_id, box) if seller_id else None
    except SecretError as exc:
        raise WebhookRefused(
            503, f"the courier account's secret cannot be opened to check the signature: {exc}"
        ) from exc
    if account is None or account.api is None or not account.api.secret:
        raise WebhookRefused(404, f"no courier account {account_id} with API access")
    verify(account.api.secret, header, body, time.time())
    try:
        change = WebhookBody.model_validate(json.loads(body))
    except (ValueError, ValidationError) as exc:
        raise WebhookRefused(
            422, 'the body must be JSON {"tracking_number": "<8-16 digits>"}'
        ) from exc
    return await store.mark_for_poll(conn, account_id, change.tracking_number, now)
