"""What every courier call passes first: the signature, scripted faults, the rate limit."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from fastapi import Request

from packline_couriersim.auth import CourierError, key_id_of, verify
from packline_couriersim.script import Rule
from packline_couriersim.state import Account, Simulator
from packline_simkit import note_call

RATE_LIMITED = "요청이 너무 많습니다. 잠시 후 다시 시도해 주세요."
QUOTA_EXCEEDED = (
    "일일 송장 발행 한도를 초과했습니다. 내일 다시 시도하거나 영업소에 한도 증액을 요청하세요."
)


@dataclass(frozen=True)
class Context:
    account: Account
    malformed: bool


def rate_limited(retry_after: int) -> CourierError:
    return CourierError(429, "RATE_LIMITED", RATE_LIMITED, {"Retry-After": str(retry_after)})


def quota_exceeded() -> CourierError:
    return CourierError(403, "QUOTA_EXCEEDED", QUOTA_EXCEEDED)


def _error_for(rule: Rule) -> CourierError | None:
    if rule.action == "server_error":
        return CourierError(
            rule.status, "SYSTEM_ERROR", "일시적인 시스템 오류입니다. 잠시 후 다시 시도해 주세요."
        )
    if rule.action == "rate_limit":
        return rate_limited(rule.retry_after)
    if rule.action == "quota_exceeded":
        return quota_exceeded()
    return None


def guard(sim: Simulator, operation: str) -> Callable[[Request], Awaitable[Context]]:
    async def check(request: Request) -> Context:
        note_call(request, key_id_of(request), operation)
        account = await verify(sim, request)
        error: CourierError | None = None
        malformed = False
        for rule in sim.script.take(account.key_id, operation):
            if rule.action == "slow":
                await asyncio.sleep(rule.delay_seconds)
            malformed = malformed or rule.action == "malformed"
            error = error or _error_for(rule)
        if error is not None:
            raise error
        if sim.over_rate(account):
            raise rate_limited(1)
        return Context(account, malformed)

    return check
