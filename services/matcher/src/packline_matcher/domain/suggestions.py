"""Suggestions for the unmatched queue: catalogue SKUs ranked by how much their name and option
read like the marketplace's product and option names."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils

from packline_matcher.domain.catalogue import CatalogueItem


@dataclass(frozen=True)
class Suggestion:
    sku: str
    name: str
    option: str
    score: float  # 0–100


def _scores(query: str, choices: list[str], scorer: Any) -> list[float]:
    found = process.extract(
        query, choices, scorer=scorer, processor=utils.default_process, limit=None
    )
    scores = [0.0] * len(choices)
    for _, score, index in found:
        scores[index] = float(score)
    return scores


def suggest(
    product_name: str, option_name: str, catalogue: Sequence[CatalogueItem], limit: int = 5
) -> list[Suggestion]:
    """Names weigh more than options: a right product with an unclear option beats the reverse."""
    if not catalogue or not (product_name or option_name):
        return []
    names = _scores(product_name, [item.name for item in catalogue], fuzz.WRatio)
    options = _scores(option_name, [item.option for item in catalogue], fuzz.token_set_ratio)
    scored = [
        (0.75 * names[i] + 0.25 * (options[i] if option_name else names[i]), item)
        for i, item in enumerate(catalogue)
    ]
    scored.sort(key=lambda pair: (-pair[0], pair[1].sku))
    return [
        Suggestion(item.sku, item.name, item.option, round(score, 1))
        for score, item in scored[:limit]
        if score > 0
    ]
