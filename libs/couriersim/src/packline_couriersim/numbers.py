"""Tracking numbers (송장번호) from each courier's own simulated range, with its check digit.

Check digits as domain.md gives them: 롯데 (HYUNDAI) and 한진 12-digit numbers end in the first
11 digits mod 7; CJ 12-digit numbers end in digits 3–11 mod 7 (inferred from public samples);
로젠 (KGB) 11-digit numbers end in the first 10 digits mod 7 (inferred); 우체국 has no rule.
The ranges themselves are invented: a real range (대역) comes with the courier contract.
"""

from collections.abc import Callable
from dataclasses import dataclass


def _mod7_all(body: str) -> str:
    return body + str(int(body) % 7)


def _mod7_cj(body: str) -> str:
    return body + str(int(body[2:11]) % 7)


def _none(body: str) -> str:
    return body


@dataclass(frozen=True)
class NumberRule:
    first: int  # the range's first serial (the number without its check digit)
    digits: int  # the serial's digits
    finish: Callable[[str], str]


RULES: dict[str, NumberRule] = {
    "HANJIN": NumberRule(41_000_000_000, 11, _mod7_all),
    "HYUNDAI": NumberRule(30_500_000_000, 11, _mod7_all),  # 롯데택배
    "CJGLS": NumberRule(56_100_000_000, 11, _mod7_cj),
    "KGB": NumberRule(3_100_000_000, 10, _mod7_all),  # 로젠
    "EPOST": NumberRule(6_090_000_000_000, 13, _none),  # 우체국
}


def issue(courier: str, serial: int) -> str:
    """The courier's `serial`-th number (0-based) in its simulated range."""
    rule = RULES[courier]
    body = str(rule.first + serial).zfill(rule.digits)
    if len(body) != rule.digits:
        raise OverflowError(f"the simulated {courier} range is used up")
    return rule.finish(body)
