"""Coupang's CEA HMAC authorisation, verified as the WING gateway does.

`Authorization: CEA algorithm=HmacSHA256, access-key=…, signed-date=yyMMdd'T'HHmmss'Z',
signature=hex(HMAC-SHA256(secret, signed-date + METHOD + path + query))`; the body is not signed.
"""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta

from fastapi import HTTPException, Request

from packline_marketsim.state import CoupangAccount, Simulator

MAX_SKEW = timedelta(minutes=5)


def signature(secret: str, signed_date: str, method: str, path: str, query: str) -> str:
    message = f"{signed_date}{method}{path}{query}"
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _fields(header: str) -> dict[str, str]:
    if not header.startswith("CEA "):
        raise HTTPException(401, "Authorization must be `CEA algorithm=HmacSHA256, ...`")
    parts = (p.strip().split("=", 1) for p in header[4:].split(","))
    return {p[0]: p[1] for p in parts if len(p) == 2}


def verify(sim: Simulator, request: Request, vendor_id: str) -> CoupangAccount:
    """The account whose key signed this request, or 401 (bad signature) / 403 (other vendor)."""
    fields = _fields(request.headers.get("authorization", ""))
    account = next(
        (a for a in sim.coupang.values() if a.access_key == fields.get("access-key")), None
    )
    if account is None or fields.get("algorithm") != "HmacSHA256":
        raise HTTPException(401, "Invalid access-key or algorithm")
    signed_date = fields.get("signed-date", "")
    try:
        when = datetime.strptime(signed_date, "%y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    except ValueError as exc:
        raise HTTPException(401, "signed-date must be yyMMdd'T'HHmmss'Z' in UTC") from exc
    if abs(sim.now() - when) > MAX_SKEW:
        raise HTTPException(401, "Specified signature is expired (signed-date too far from now)")
    query = request.scope.get("query_string", b"").decode()
    expected = signature(account.secret_key, signed_date, request.method, request.url.path, query)
    if not hmac.compare_digest(expected, fields.get("signature", "")):
        raise HTTPException(401, "Invalid signature")
    if account.vendor_id != vendor_id:
        raise HTTPException(403, f"access-key does not belong to vendor {vendor_id}")
    return account
