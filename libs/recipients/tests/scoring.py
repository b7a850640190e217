"""Precision and recall of one verdict over a labelled corpus (each pair's `label` is the
verdict a person gave it), shared by the recipient and address corpora."""

from collections.abc import Sequence
from typing import Any


def precision_recall(
    label: str, results: Sequence[tuple[dict[str, Any], str]]
) -> tuple[float, float]:
    """`results`: (pair, verdict given) — a verdict enum compares equal to its label string."""
    predicted = [p for p, got in results if got == label]
    actual = [p for p, _ in results if p["label"] == label]
    hits = [p for p in predicted if p["label"] == label]
    precision = len(hits) / len(predicted) if predicted else 1.0
    recall = len(hits) / len(actual) if actual else 1.0
    return precision, recall
