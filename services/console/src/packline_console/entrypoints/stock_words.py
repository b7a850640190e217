"""재고 changes in the seller's words: the reasons as sellers name them, what a batch of the
allocator's stock changes did (how many SKUs, each one's change, the bundles the restock
allocated), and its refusals per SKU or per row of a file as the allocator words them."""

from collections.abc import Callable
from typing import Any

from packline_console.adapters.services import ServiceDown, ServiceProblem

# the reasons a person picks for a stock change (POST /stock/movements, /stock/upload)
REASONS = {
    "RECEIPT": "입고",
    "ADJUSTMENT": "조정",
    "RETURN_RESTOCK": "반품 재입고",
    "STOCKTAKE": "실사",
}
# every reason an audit row can carry (GET /stock/movements)
HISTORY_REASONS = {**REASONS, "SAFETY_SET": "안전재고 설정", "SAFETY_RELEASE": "안전재고 해제"}
SHOWN_SKUS = 5


def _changes(moved: list[dict[str, Any]]) -> str:
    shown = [
        f"{m['sku']} {m['delta']:+,} (현재고 {m['on_hand_after']:,})" for m in moved[:SHOWN_SKUS]
    ]
    more = f" 외 {len(moved) - SHOWN_SKUS}건" if len(moved) > SHOWN_SKUS else ""
    return ", ".join(shown) + more


def moved_notice(answer: Any, source: str = "") -> str:
    """ "입고 · SKU 2건을 반영했습니다 (A-1 +3 (현재고 5), B-2 -1 (현재고 0)). 재고가 생겨
    할당된 묶음: 1건" """
    body, moved = _movements(answer)
    reason = HISTORY_REASONS.get(str(body.get("reason")), str(body.get("reason", "")))
    where = f"{source}: " if source else ""
    return (
        f"{where}{reason} · SKU {len(moved)}건을 반영했습니다 ({_changes(moved)}). "
        f"재고가 생겨 할당된 묶음: {body.get('bundles_allocated', 0)}건"
    )


def safety_notice(answer: Any) -> str:
    """안전재고 설정: each SKU's safety stock now."""
    body, moved = _movements(answer)
    listed = _listed(moved, lambda m: f"{m['sku']} {m['safety_after']:,}개")
    return (
        f"안전재고 {len(moved)}건을 저장했습니다 ({listed}). "
        f"안전재고를 줄여 할당된 묶음: {body.get('bundles_allocated', 0)}건"
    )


def released_notice(answer: Any) -> str:
    """안전재고 해제: how many units each SKU released to the marketplaces."""
    body, moved = _movements(answer)
    listed = _listed(moved, lambda m: f"{m['sku']} {-m['delta']:,}개")
    return (
        f"안전재고 해제: {listed}를 할당에 풀었습니다. "
        f"할당된 묶음: {body.get('bundles_allocated', 0)}건"
    )


def sku_problems(exc: ServiceDown | ServiceProblem) -> list[str]:
    """A refused batch's SKUs (`skus`: sku, message), in the allocator's own words."""
    body = exc.body if isinstance(exc, ServiceProblem) and isinstance(exc.body, dict) else {}
    found = body.get("skus")
    if not isinstance(found, list):
        return []
    return [str(p.get("message") or p.get("sku")) for p in found if isinstance(p, dict)]


def _movements(answer: Any) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The allocator's answer and its movements, whatever shape a failed call left."""
    body = answer if isinstance(answer, dict) else {}
    return body, [m for m in body.get("movements", []) if isinstance(m, dict)]


def _listed(moved: list[dict[str, Any]], say: Callable[[dict[str, Any]], str]) -> str:
    """The first SHOWN_SKUS movements said, and how many more."""
    more = f" 외 {len(moved) - SHOWN_SKUS}건" if len(moved) > SHOWN_SKUS else ""
    return ", ".join(say(m) for m in moved[:SHOWN_SKUS]) + more
