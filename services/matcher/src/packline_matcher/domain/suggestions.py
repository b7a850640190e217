"""Suggestions for the unmatched queue: catalogue SKUs ranked by how much their name and option
read like the marketplace's product and option names."""

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process, utils

from packline_matcher.domain.catalogue import CatalogueItem

MOST = 10  # suggestions kept per line; the queue shows up to this many


@dataclass(frozen=True)
class Suggestion:
    sku: str
    name: str
    option: str
    score: float  # 0–100


def _scores(query: str, choices: list[str], scorer: Any) -> list[float]:
    found = process.extract(query, choices, scorer=scorer, processor=None, limit=None)
    scores = [0.0] * len(choices)
    for _, score, index in found:
        scores[index] = float(score)
    return scores


class Ranker:
    """One catalogue, prepared once (normalised names and options) for many lines. CPU-bound:
    callers run `suggest` off the event loop."""

    def __init__(self, catalogue: Sequence[CatalogueItem]) -> None:
        self.catalogue = list(catalogue)
        self._names = [utils.default_process(item.name) for item in self.catalogue]
        self._options = [utils.default_process(item.option) for item in self.catalogue]

    def suggest(self, product_name: str, option_name: str, limit: int = 5) -> list[Suggestion]:
        """Names weigh more than options: a right product with an unclear option beats the
        reverse."""
        if not self.catalogue or not (product_name or option_name):
            return []
        names = _scores(utils.default_process(product_name), self._names, fuzz.WRatio)
        options = (
            _scores(utils.default_process(option_name), self._options, fuzz.token_set_ratio)
            if option_name
            else names
        )
        best = heapq.nsmallest(
            limit,
            range(len(self.catalogue)),
            key=lambda i: (-(0.75 * names[i] + 0.25 * options[i]), self.catalogue[i].sku),
        )
        found = []
        for i in best:
            score = 0.75 * names[i] + 0.25 * options[i]
            if score > 0:
                item = self.catalogue[i]
                found.append(Suggestion(item.sku, item.name, item.option, round(score, 1)))
        return found


def suggest(
    product_name: str, option_name: str, catalogue: Sequence[CatalogueItem], limit: int = 5
) -> list[Suggestion]:
    return Ranker(catalogue).suggest(product_name, option_name, limit)
