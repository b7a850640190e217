"""Signed, retried HTTP calls to a courier's API: the transport under CourierApi.

HMAC-SHA256 over timestamp + METHOD + path + body with the account's key id and secret (the
scheme the courier simulator documents after 한진's); bounded retries with backoff for timeouts,
connection errors and 5xx; 429's Retry-After honoured; a quota, signature or request refusal is
not retried. Logs paths, codes and counts only, never a body.
"""

import asyncio
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class CourierCredentials:
    base_url: str
    key_id: str
    secret: str


class CourierApiError(Exception):
    """A whole call failed: every parcel, address or number in it shares the failure."""

    def __init__(self, code: str, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retryable = retryable


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries per call, the first included
    backoff_seconds: float = 0.5  # doubled after each failed try
    max_backoff_seconds: float = 8.0
    max_retry_after_seconds: float = 60.0  # a longer Retry-After fails the call instead


def validated(model: type[M], answer: Any, path: str) -> M:
    try:
        return model.model_validate(answer)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise CourierApiError(
            "MALFORMED_RESPONSE",
            f"the courier's answer to {path} does not have its documented shape "
            f"({where}: {first['msg']}); nothing from it was used",
            retryable=True,
        ) from exc


def _error_body(response: httpx.Response) -> tuple[str, str]:
    try:
        body = response.json()
    except ValueError:
        return "", ""
    if not isinstance(body, dict):
        return "", ""
    return str(body.get("code") or ""), str(body.get("message") or "")[:300]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


class SignedCourierHttp:
    def __init__(
        self,
        credentials: CourierCredentials,
        client: httpx.AsyncClient,
        timeout_seconds: float,
        retry: RetryPolicy,
    ) -> None:
        self.credentials = credentials
        self._client = client
        self.timeout_seconds = timeout_seconds
        self.retry = retry

    def headers(self, method: str, path: str, body: bytes) -> dict[str, str]:
        timestamp = str(int(time.time()))
        message = f"{timestamp}{method}{path}".encode() + body
        signature = hmac.new(self.credentials.secret.encode(), message, hashlib.sha256)
        return {
            "Authorization": f"HMAC-SHA256 key-id={self.credentials.key_id}, "
            f"timestamp={timestamp}, signature={signature.hexdigest()}",
            "Content-Type": "application/json",
        }

    async def post(self, path: str, payload: dict[str, Any]) -> Any:
        """The answer's JSON, after bounded retries; CourierApiError when the call failed."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        url = self.credentials.base_url.rstrip("/") + path
        attempts = self.retry.attempts
        for attempt in range(1, attempts + 1):
            wait = min(
                self.retry.backoff_seconds * 2 ** (attempt - 1), self.retry.max_backoff_seconds
            )
            try:
                response = await self._client.post(
                    url,
                    content=body,
                    headers=self.headers("POST", path, body),  # a fresh timestamp per try
                    timeout=self.timeout_seconds,
                )
            except httpx.TimeoutException:
                failure = CourierApiError(
                    "TIMEOUT",
                    f"the courier did not answer {path} within {self.timeout_seconds:g}s "
                    f"({attempts} tries); try again later",
                    retryable=True,
                )
            except httpx.TransportError as exc:
                failure = CourierApiError(
                    "UNREACHABLE",
                    f"the courier's API at {self.credentials.base_url} could not be reached "
                    f"({type(exc).__name__}, {attempts} tries); try again later",
                    retryable=True,
                )
            else:
                if response.is_success:
                    try:
                        return response.json()
                    except ValueError:
                        raise CourierApiError(
                            "MALFORMED_RESPONSE",
                            f"the courier's answer to {path} is not JSON; nothing from it was used",
                            retryable=True,
                        ) from None
                failure, wait = self._refused(path, response, wait)
            if attempt == attempts or wait is None:
                raise failure
            log.warning(
                "courier call %s failed with %s (try %d of %d); retrying in %.1fs",
                path,
                failure.code,
                attempt,
                attempts,
                wait,
            )
            await asyncio.sleep(wait)
        raise AssertionError("unreachable")

    def _refused(
        self, path: str, response: httpx.Response, wait: float
    ) -> tuple[CourierApiError, float | None]:
        """What a non-2xx answer means, and how long to wait before trying again (None: this
        call is not tried again)."""
        status = response.status_code
        code, message = _error_body(response)
        said = f"{status} {code}: {message}" if code else str(status)
        if code == "QUOTA_EXCEEDED":
            return CourierApiError(
                "QUOTA_EXCEEDED",
                f"the courier account's daily booking quota is used up ({said}); no number was "
                "issued: ask the courier to raise the quota, or book again tomorrow",
                retryable=False,
            ), None
        if status == 429:
            retry_after = _retry_after(response)
            too_long = retry_after is not None and retry_after > self.retry.max_retry_after_seconds
            return CourierApiError(
                "RATE_LIMITED",
                f"the courier is rate-limiting this account ({said}); try again later",
                retryable=True,
            ), (None if too_long else retry_after if retry_after is not None else wait)
        if status >= 500:
            return CourierApiError(
                "SERVER_ERROR",
                f"the courier's API failed on {path} ({said}, {self.retry.attempts} tries); "
                "try again later",
                retryable=True,
            ), wait
        if status == 401:
            return CourierApiError(
                "UNAUTHORIZED",
                f"the courier refused our signature ({said}); check this courier account's "
                "key id and secret",
                retryable=False,
            ), None
        return CourierApiError(
            code or f"HTTP_{status}", f"the courier refused {path} ({said})", retryable=False
        ), None


class CourierSession:
    """One courier account's signed calls. Use as `async with Session(credentials) as s:`; a
    client passed in is used and left open, one made here is closed on exit."""

    def __init__(
        self,
        credentials: CourierCredentials,
        *,
        client: httpx.AsyncClient | None = None,
        timeout_seconds: float = 10.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._owns_client = client is None
        self._client = client or httpx.AsyncClient()
        self._http = SignedCourierHttp(
            credentials, self._client, timeout_seconds, retry or RetryPolicy()
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _error: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()
