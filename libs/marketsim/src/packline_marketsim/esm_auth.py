"""ESM Trading API authentication, as etapi.gmarket.com's API guide describes it: the caller signs
its own JWT (no token endpoint). Header `{"alg": "HS256", "typ": "JWT", "kid": <ESM+ master id>}`,
payload `{"iss": <the caller's domain>, "sub": "sell", "aud": "sa.esmplus.com", "iat": <epoch s,
optional>, "ssi": "A:<auction seller id>,G:<gmarket seller id>"}`, signature HMAC-SHA256 over
`b64url(header).b64url(payload)` with the secret key; sent as `Authorization: Bearer <jwt>`.
A refusal is HTTP 401 with `{"status": {"message": ..., "status_code": 401}}`.

The guide names no expiry; the simulator honours an `exp` claim if one is sent and refuses an
`iat` older than `TOKEN_MAX_AGE` (its own choice, see the README)."""

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime, timedelta
from typing import Any

from fastapi import Request

from packline_marketsim.state import EsmAccount, Simulator

AUDIENCE = "sa.esmplus.com"
TOKEN_MAX_AGE = timedelta(minutes=10)
SITES = {"A": 1, "G": 2}  # ssi site letter → siteType of the order API


class EsmAuthError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _b64(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError) as exc:
        raise EsmAuthError("the token is not base64url") from exc


def _json(part: str) -> dict[str, Any]:
    try:
        found = json.loads(_b64(part))
    except ValueError as exc:
        raise EsmAuthError("the token's header or payload is not JSON") from exc
    if not isinstance(found, dict):
        raise EsmAuthError("the token's header or payload is not a JSON object")
    return found


def sellers(ssi: str) -> dict[int, str]:
    """`A:id,G:id` → {siteType: seller id}; one id per site."""
    found: dict[int, str] = {}
    for entry in ssi.split(","):
        site, _, seller = entry.strip().partition(":")
        if site not in SITES or not seller or SITES[site] in found:
            raise EsmAuthError(f"ssi {ssi!r} must read A:<auction id>,G:<gmarket id>")
        found[SITES[site]] = seller
    return found


def verify(sim: Simulator, request: Request) -> tuple[EsmAccount, dict[int, str]]:
    """The account and the site sellers the token speaks for, or EsmAuthError."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        raise EsmAuthError("Authorization: Bearer <JWT> is required")
    parts = header[7:].strip().split(".")
    if len(parts) != 3:
        raise EsmAuthError("the token must have three parts")
    head, payload = _json(parts[0]), _json(parts[1])
    if head.get("alg") != "HS256":
        raise EsmAuthError("alg must be HS256")
    account = sim.esm.get(str(head.get("kid") or ""))
    if account is None:
        raise EsmAuthError("The user does not have right access to the api")
    expected = hmac.new(
        account.secret_key.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256
    ).digest()
    if not hmac.compare_digest(expected, _b64(parts[2])):
        raise EsmAuthError("invalid signature")
    if payload.get("aud") != AUDIENCE or payload.get("sub") != "sell":
        raise EsmAuthError(f"aud must be {AUDIENCE} and sub sell")
    now = sim.now()
    try:
        if "exp" in payload and datetime.fromtimestamp(int(payload["exp"]), now.tzinfo) <= now:
            raise EsmAuthError("token expired")
        if "iat" in payload:
            issued = datetime.fromtimestamp(int(payload["iat"]), now.tzinfo)
            if now - issued > TOKEN_MAX_AGE:
                raise EsmAuthError("token expired")
    except (TypeError, ValueError, OverflowError) as exc:
        raise EsmAuthError("iat and exp must be epoch seconds") from exc
    named = sellers(str(payload.get("ssi") or ""))
    own = {1: account.auction_seller_id, 2: account.gmarket_seller_id}
    for site, seller in named.items():
        if own[site] != seller:
            raise EsmAuthError("The user does not have right access to the api")
    return account, named
