"""Turns the rules that fire on a call into what the caller sees."""

import asyncio
import math
from dataclasses import dataclass, field

from fastapi import Request
from fastapi.responses import JSONResponse

from packline_marketsim.script import Rule
from packline_marketsim.state import Simulator
from packline_simkit import note_call


@dataclass
class Faults:
    response: JSONResponse | None = None
    malformed: bool = False
    ack_retry: bool = False
    odd_encoding: bool = False  # 11st: CP949-only text, and a Content-Type naming UTF-8
    broken_xml: bool = False  # 11st: the document is cut off
    change_address: list[Rule] = field(default_factory=list)
    cancel: list[Rule] = field(default_factory=list)


def _rate_limited(marketplace: str, rule: Rule) -> JSONResponse:
    headers = {"Retry-After": str(math.ceil(rule.retry_after))}
    if marketplace == "NAVER":
        # header names as seen on Naver's gateway (unverified); Retry-After is what we honour
        headers |= {
            "GNCP-GW-RateLimit-Replenish-Rate": "2",
            "GNCP-GW-RateLimit-Burst-Capacity": "2",
        }
        body: dict[str, object] = {
            "code": "GW.RATE_LIMIT",
            "message": "요청이 많아 서비스를 일시적으로 사용할 수 없습니다.",
        }
    else:
        headers |= {"X-RateLimit-Limit": "5", "X-RateLimit-Remaining": "0"}
        body = {"code": 429, "message": "Too Many Requests"}
    return JSONResponse(body, status_code=429, headers=headers)


async def take(
    sim: Simulator, request: Request, marketplace: str, account: str, operation: str
) -> Faults:
    note_call(request, marketplace, account, operation)
    found = Faults()
    for rule in sim.script.take(account, operation, marketplace=marketplace):
        if rule.action == "slow":
            await asyncio.sleep(rule.delay_seconds)
        elif rule.action == "rate_limit" and found.response is None:
            found.response = _rate_limited(marketplace, rule)
        elif rule.action == "server_error" and found.response is None:
            found.response = JSONResponse(
                {"code": rule.status, "message": "simulated server error"},
                status_code=rule.status,
            )
        elif rule.action == "malformed_row":
            found.malformed = True
        elif rule.action == "ack_retry":
            found.ack_retry = True
        elif rule.action == "odd_encoding":
            found.odd_encoding = True
        elif rule.action == "broken_xml":
            found.broken_xml = True
        elif rule.action == "change_address":
            found.change_address.append(rule)
        elif rule.action == "cancel":
            found.cancel.append(rule)
    return found


def targets(rule: Rule, named: list[str]) -> list[str]:
    """State actions act on the rule's ids, else on the first id the call names."""
    return rule.order_ids or named[:1]
