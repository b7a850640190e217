"""Request signing as 한진's API describes it: an HMAC-SHA256 over a canonical string, with a
per-account key id and secret. The exact header layout here is ours (documented in README.md);
the real one was not available to check.

`Authorization: HMAC-SHA256 key-id=<key id>, timestamp=<unix seconds>, signature=<hex>` where
signature = hex(HMAC-SHA256(secret, timestamp + METHOD + path[?query] + raw body bytes)).
A timestamp more than five minutes from the simulator's clock is refused.
"""

import hashlib
import hmac
from datetime import timedelta

from fastapi import Request

from packline_couriersim.state import Account, Simulator

SCHEME = "HMAC-SHA256"
MAX_SKEW = timedelta(minutes=5)


class CourierError(Exception):
    """An error answer in the API's own shape: `{"code": ..., "message": ...}`."""

    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}


def signature(secret: str, timestamp: str, method: str, target: str, body: bytes) -> str:
    """`target` is the path, plus `?query` when the request has one."""
    message = f"{timestamp}{method.upper()}{target}".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _unauthorised(message: str) -> CourierError:
    return CourierError(401, "UNAUTHORIZED", message)


def key_id_of(request: Request) -> str:
    return _fields(request.headers.get("authorization", "")).get("key-id", "")


def _fields(header: str) -> dict[str, str]:
    if not header.startswith(SCHEME + " "):
        return {}
    parts = (p.strip().split("=", 1) for p in header[len(SCHEME) + 1 :].split(","))
    return {p[0]: p[1] for p in parts if len(p) == 2}


async def verify(sim: Simulator, request: Request) -> Account:
    """The account whose secret signed this request, or CourierError 401."""
    fields = _fields(request.headers.get("authorization", ""))
    if not fields:
        raise _unauthorised(
            "인증 정보가 없습니다. Authorization: HMAC-SHA256 key-id=…, timestamp=…, signature=… 헤더가 필요합니다."
        )
    account = sim.accounts.get(fields.get("key-id", ""))
    if account is None:
        raise _unauthorised("등록되지 않은 API 키입니다 (key-id).")
    timestamp = fields.get("timestamp", "")
    if not timestamp.isdigit():
        raise _unauthorised("timestamp는 UTC 기준 유닉스 초(정수)여야 합니다.")
    # compared as numbers: a far-off timestamp must be a 401, not an overflow in datetime
    if abs(sim.now().timestamp() - int(timestamp)) > MAX_SKEW.total_seconds():
        raise _unauthorised("요청 시각(timestamp)이 서버 시각과 5분 이상 차이 납니다.")
    target = request.url.path
    if query := request.scope.get("query_string", b"").decode():
        target += "?" + query
    expected = signature(account.secret, timestamp, request.method, target, await request.body())
    if not hmac.compare_digest(expected, fields.get("signature", "")):
        raise _unauthorised("서명(signature)이 일치하지 않습니다.")
    return account
