"""The labelled corpus of tricky recipient pairs (corpus.jsonl): how well `compare` decides.

Each line holds two recipients as marketplaces send them and the verdict a seller's 합포
(combined packing) staff would give. Labels follow the seller's rule and the domain facts,
not this code: where the comparer disagrees with a label, the pair stays and counts against it.
"""

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from libs.recipients.tests.scoring import precision_recall
from packline_recipients import NormalisedRecipient, Outcome, compare, normalise, recipient_key

CORPUS = Path(__file__).with_name("corpus.jsonl")
PAIRS: list[dict[str, Any]] = [
    json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line
]


def _recipient(fields: dict[str, str]) -> NormalisedRecipient:
    return normalise(
        fields["name"],
        fields["address1"],
        fields["address2"],
        fields["phone"],
        fields["mobile"],
        postcode=fields.get("postcode", ""),
        building_no=fields.get("building_no", ""),
    )


def _predictions() -> list[tuple[dict[str, Any], Outcome]]:
    return [(p, compare(_recipient(p["a"]), _recipient(p["b"])).outcome) for p in PAIRS]


def test_the_corpus_is_large_and_covers_every_verdict() -> None:
    counts = Counter(p["label"] for p in PAIRS)
    assert len(PAIRS) >= 80
    assert min(counts[o.value] for o in Outcome) >= 20, counts
    assert len({p["id"] for p in PAIRS}) == len(PAIRS)


# Levels, and why:
# - SAME precision 1.00: SAME bundles without a person, so a wrong SAME puts two households'
#   goods in one box. Not one such pair is tolerated in the corpus.
# - SAME recall 0.90: a SAME missed goes to review or ships as two boxes: costly, not wrong.
# - REVIEW recall 0.85: the 확인필요 tab is where doubtful pairs must surface; missing one
#   means either an unasked merge (caught by SAME precision) or two boxes to one door.
# - DIFFERENT precision 0.90: "different" silently ships two boxes; a tenth of them being
#   one door after all is the most a seller would accept before trusting the tab less.
LEVELS = {
    "SAME": (1.00, 0.90),
    "REVIEW": (0.0, 0.85),
    "DIFFERENT": (0.90, 0.0),
}


@pytest.mark.parametrize("label", list(LEVELS))
def test_compare_meets_the_precision_and_recall_levels_on_the_corpus(label: str) -> None:
    results = _predictions()
    precision, recall = precision_recall(label, results)
    misses = [
        f"{p['id']} ({p['why']}): labelled {p['label']}, got {outcome.value}"
        for p, outcome in results
        if (p["label"] == label) != (outcome == label)
    ]
    print(f"{label}: precision {precision:.2f}, recall {recall:.2f}")
    min_precision, min_recall = LEVELS[label]
    assert precision >= min_precision and recall >= min_recall, "\n".join(misses)


def test_pairs_called_same_always_share_the_partition_key() -> None:
    """SAME (and name-and-address REVIEW) pairs must meet on one Kafka partition."""
    for pair in PAIRS:
        a, b = _recipient(pair["a"]), _recipient(pair["b"])
        verdict = compare(a, b)
        same_door = verdict.outcome is Outcome.SAME or (
            verdict.agreement("name") == verdict.agreement("address") == "EQUAL"
        )
        if same_door:
            assert recipient_key("s1", a) == recipient_key("s1", b), pair["id"]


def test_a_different_safe_number_is_never_the_reason_for_different() -> None:
    for pair in PAIRS:
        verdict = compare(_recipient(pair["a"]), _recipient(pair["b"]))
        if verdict.outcome is Outcome.DIFFERENT:
            reasons = [f for f in verdict.fields if f.agreement == "DIFFERENT"]
            assert reasons and all(
                f.field in ("name", "address", "phone", "mobile") for f in reasons
            )
            assert not any("안심번호" in f.why for f in reasons), pair["id"]
