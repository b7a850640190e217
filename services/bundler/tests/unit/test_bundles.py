"""합포 rules: exact recipient equality bundles; a sealed bundle lists orders by paid_at."""

import uuid

import pytest

from packline_bundler.domain.bundles import bundle_key, formed
from packline_launcher.testing import collected, matched, recipient


def test_same_recipient_written_differently_shares_a_bundle_key() -> None:
    a = matched(collected(1, to=recipient(address1="서울특별시 강남구 테헤란로 1")), {"A": 1})
    b = matched(collected(2, to=recipient(address1="서울 강남구  테헤란로 1")), {"A": 1})
    assert bundle_key(a) == bundle_key(b)


def test_same_name_and_address_with_a_different_mobile_is_not_bundled_automatically() -> None:
    a = matched(collected(1, to=recipient(mobile="010-1111-2222")), {"A": 1})
    b = matched(collected(2, to=recipient(mobile="010-3333-4444")), {"A": 1})
    assert bundle_key(a) != bundle_key(b)


def test_sealed_bundle_keeps_every_order_identity_in_paid_order() -> None:
    late, early = matched(collected(9), {"A": 1}), matched(collected(1), {"B": 2})
    event = formed(uuid.uuid4(), [late, early])
    assert [m.order for m in event.members] == [early.order, late.order]
    assert event.paid_at == early.paid_at
    assert event.causation_id == early.event_id


def test_a_bundle_with_no_live_order_cannot_be_sealed() -> None:
    with pytest.raises(ValueError, match="no live orders"):
        formed(uuid.uuid4(), [])
