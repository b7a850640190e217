"""One marketplace call with retries: backoff with jitter on 5xx, timeouts and dropped
connections; on 429 wait what Retry-After says. Refusals (401/403, 4xx) are not retried."""

import asyncio
import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 0.5
    max_delay: float = 30.0


class MarketplaceError(Exception):
    """A call failed for good. The message names the account and the call, never a key."""


class AuthenticationFailed(MarketplaceError):
    """The marketplace refused our credentials (wrong secret, wrong vendor)."""


class MarketplaceUnavailable(MarketplaceError):
    """Still failing after every retry (rate limit, server errors, timeouts)."""


def retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    if value.replace(".", "", 1).isdigit():
        return float(value)
    parsed = email.utils.parsedate_to_datetime(value)  # an HTTP date
    return max(0.0, parsed.timestamp() - time.time()) if parsed else None


def error_text(response: httpx.Response) -> str:
    """The marketplace's own code and message (e.g. `GW.AUTHN: ...`), short."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict) and isinstance(body.get("status"), dict):  # ESM's gateway
        status = body["status"]
        return f"{status.get('status_code', '')}: {status.get('message', '')}"[:300]
    if isinstance(body, dict):
        code, message = body.get("code", ""), body.get("message", body.get("detail", ""))
        return f"{code}: {message}"[:300] if code else str(message)[:300]
    return str(body)[:200]


async def send(
    client: httpx.AsyncClient,
    build: Callable[[], httpx.Request],
    *,
    who: str,
    what: str,
    policy: RetryPolicy,
) -> httpx.Response:
    """`build` makes a fresh request per attempt (a new signature, a fresh token)."""
    last = ""
    for attempt in range(policy.attempts):
        delay = min(policy.max_delay, policy.base_delay * 2**attempt) * random.uniform(0.5, 1.0)
        try:
            response = await client.send(build())
        except httpx.TimeoutException:
            last = "timed out"
        except httpx.TransportError as exc:
            last = f"connection failed ({type(exc).__name__})"
        else:
            status = response.status_code
            if status < 400:
                return response
            last = f"{status} {error_text(response)}"
            if status == 429:
                delay = min(policy.max_delay, retry_after(response) or delay)
            elif status in (401, 403):
                raise AuthenticationFailed(f"{who}: {what} was refused ({last})")
            elif status < 500:
                raise MarketplaceError(f"{who}: {what} was rejected ({last})")
        if attempt + 1 < policy.attempts:
            await asyncio.sleep(delay)
    raise MarketplaceUnavailable(f"{who}: {what} failed {policy.attempts} times; last: {last}")
