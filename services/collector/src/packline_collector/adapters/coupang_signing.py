"""Coupang WING's CEA HMAC signature, per the Open API guide."""

import hashlib
import hmac
from datetime import UTC, datetime


def signed_date(now: datetime | None = None) -> str:
    """yyMMdd'T'HHmmss'Z', UTC."""
    return (now or datetime.now(UTC)).astimezone(UTC).strftime("%y%m%dT%H%M%SZ")


def authorization(
    access_key: str,
    secret_key: str,
    method: str,
    path: str,
    query: str,
    now: datetime | None = None,
) -> str:
    """The Authorization header: hex HMAC-SHA256(secret, signed-date + METHOD + path + query),
    the query without its '?'. The body is not signed."""
    date = signed_date(now)
    message = f"{date}{method.upper()}{path}{query}"
    signature = hmac.new(secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()
    return (
        f"CEA algorithm=HmacSHA256, access-key={access_key}, "
        f"signed-date={date}, signature={signature}"
    )
