"""The kind of a disagreement between a line we shipped and what its marketplace shows."""

import uuid

import pytest

from packline_collector.domain.mismatch import MismatchKind, Observed, ShippedLine, judge
from packline_collector.domain.push import LineKey

LINE = ShippedLine(LineKey("s1", "COUPANG", "1", "10"), uuid.uuid4(), "612345678901")


@pytest.mark.parametrize(
    ("seen", "kind"),
    [
        (Observed("DEPARTURE", False, False, "612345678901"), None),
        (Observed("DELIVERING", False, False, ""), None),  # shipped, number not shown
        (Observed("INSTRUCT", True, False, ""), MismatchKind.SHIPPED_NOT_AT_MARKETPLACE),
        (Observed("PAYED", True, False, ""), MismatchKind.SHIPPED_NOT_AT_MARKETPLACE),
        (Observed("DEPARTURE", False, False, "699999999999"), MismatchKind.NUMBER_DIFFERS),
        (Observed("DEPARTURE", False, True, "612345678901"), MismatchKind.CANCELLED_AFTER_SHIPPING),
        # a cancel outweighs a missing number: the parcel must be stopped, not re-pushed
        (Observed("INSTRUCT", True, True, ""), MismatchKind.CANCELLED_AFTER_SHIPPING),
    ],
)
def test_the_kind_of_a_disagreement(seen: Observed, kind: MismatchKind | None) -> None:
    assert judge(LINE, seen) is kind
