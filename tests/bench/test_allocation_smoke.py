"""`make bench`'s allocation cost piece works (no timing is asserted): with a queue already
waiting on a short SKU, the new bundles needing a stocked SKU are allocated and those needing
the short one join the queue, and the figures hold every key the README's table reads."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import allocation


async def test_new_bundles_are_allocated_or_join_the_queue(database_url: str) -> None:
    figures = await allocation.cost(database_url, waiting=30, measured=20)
    assert (figures["allocated"], figures["waiting_after"]) == (10, 40)
    assert set(figures) == {
        "waiting_before",
        "new_bundles",
        "seconds",
        "ms_per_bundle",
        "allocated",
        "waiting_after",
    }
