"""The review look-up's index (domain/review.py `close_pairs`) finds exactly the pairs the plain
rule (`shares_a_field`: an equal name, address, or a phone or mobile against either of the
other's) finds by comparing every arrival with every candidate, in the same order."""

import uuid

from hypothesis import given, settings
from hypothesis import strategies as st

from packline_bundler.domain.arrival import Arrival
from packline_bundler.domain.review import Candidate, Joined, close_pairs, shares_a_field
from packline_launcher.testing import collected, matched

ORDER = matched(collected(1), {"A": 1})
OTHER_SELLER = ORDER.model_copy(update={"seller_id": "seller-other"})
# few distinct digests (and the empty one), so fields collide often
DIGEST = st.sampled_from(["", "n1", "n2", "a1", "a2", "p1", "p2"])
HASHES = st.tuples(DIGEST, DIGEST, DIGEST, DIGEST)
GROUP = st.sampled_from(["g1", "g2", "g3", "solo:x"])
IDS = [uuid.UUID(int=n) for n in range(1, 6)]


def _brute(joined: list[Joined], stored: list[Candidate]) -> list[tuple[Joined, Candidate]]:
    found: list[tuple[Joined, Candidate]] = []
    earlier: list[Candidate] = []
    for item in joined:
        arrival, bundle_id, group = item
        if arrival.solo:
            continue
        near = [
            c
            for c in (*stored, *earlier)
            if c.order.seller_id == arrival.seller_id
            and c.group_key != group
            and not c.group_key.startswith("solo:")
            and shares_a_field(arrival.hashes, c.hashes)
        ]
        found += [(item, c) for c in sorted(near, key=lambda c: (c.bundle_id, c.uid))]
        earlier.append(Candidate(bundle_id, group, arrival.key, arrival.order, arrival.hashes))
    return found


candidates = st.builds(
    lambda bundle, group, hashes, other: Candidate(
        bundle, group, "k", OTHER_SELLER if other else ORDER, hashes
    ),
    st.sampled_from(IDS),
    GROUP,
    HASHES,
    st.booleans(),
)
arrivals = st.builds(
    lambda hashes, solo, bundle, group: (Arrival(ORDER, "k", hashes, solo), bundle, group),
    HASHES,
    st.booleans(),
    st.sampled_from(IDS),
    GROUP,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(arrivals, max_size=8), st.lists(candidates, max_size=10))
def test_the_index_finds_what_comparing_every_pair_finds(
    joined: list[Joined], stored: list[Candidate]
) -> None:
    found = close_pairs(joined, stored)
    assert [(j[1:], c) for j, c in found] == [(j[1:], c) for j, c in _brute(joined, stored)]
    assert [j[0] for j, _ in found] == [j[0] for j, _ in _brute(joined, stored)]


def test_a_phone_matches_the_others_mobile_but_empty_numbers_never_match() -> None:
    arrival = Arrival(ORDER, "k", ("n1", "a1", "p1", ""), False)
    by_mobile = Candidate(IDS[0], "g2", "k", ORDER, ("n9", "a9", "", "p1"))
    empty = Candidate(IDS[1], "g2", "k", ORDER, ("n8", "a8", "", ""))
    found = close_pairs([(arrival, IDS[2], "g1")], [by_mobile, empty])
    assert [c for _, c in found] == [by_mobile]
