"""확인필요 (needs a person): pairs of recipients close enough that someone must decide whether
they are one door. The comparer lives in packline_recipients; this names the pair and shows it."""

from typing import Any

from packline_bundler.domain.bundles import recipient_of
from packline_contracts import OrderMatched
from packline_recipients import Outcome, Verdict, compare


def verdict(order: OrderMatched, other: OrderMatched) -> Verdict:
    return compare(recipient_of(order), recipient_of(other))


def needs_review(order: OrderMatched, other: OrderMatched) -> Verdict | None:
    found = verdict(order, other)
    return found if found.outcome is Outcome.REVIEW else None


def pair(key: str, other: str) -> tuple[str, str]:
    """A pair of exact recipients (bundle keys), in one order so a decision is found again."""
    return (key, other) if key < other else (other, key)


def fields(found: Verdict) -> list[dict[str, Any]]:
    """Which fields agree or differ and why: no names, addresses or numbers (they are shown
    from the orders themselves, over HTTP only)."""
    return [{"field": f.field, "agreement": f.agreement.value, "why": f.why} for f in found.fields]
