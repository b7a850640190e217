"""Sealing times, never-bundle exclusions, Coupang's separate invoices and revisions."""

import uuid
from datetime import UTC, datetime, time, timedelta

import pytest

from packline_bundler.domain.bundles import formed, is_solo, separate_invoices
from packline_bundler.domain.sealing import SealSettings, parse_cutoffs, seal_after
from packline_contracts import OrderMatched, OrderRef
from packline_launcher.testing import collected, matched, recipient

HOLD = timedelta(minutes=2)


def _order(
    n: int, marketplace: str = "COUPANG", orderer: str = "김민준", **to: str
) -> OrderMatched:
    order = matched(collected(n, to=recipient(**to)), {"A": 1})
    ref = OrderRef(seller_id="s1", marketplace=marketplace, marketplace_order_id=str(n))  # type: ignore[arg-type]
    return order.model_copy(update={"order": ref, "orderer_name": orderer})


def test_cutoffs_seal_at_the_next_seoul_time_and_roll_over_to_tomorrow() -> None:
    rule = SealSettings("CUTOFF", cutoffs=parse_cutoffs("14:00, 10:00"))
    morning = datetime(2026, 11, 28, 0, 30, tzinfo=UTC)  # 09:30 in Seoul
    assert seal_after(rule, morning, HOLD) == datetime(2026, 11, 28, 1, 0, tzinfo=UTC)
    evening = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)  # 15:00 in Seoul
    assert seal_after(rule, evening, HOLD) == datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def test_manual_sealing_waits_for_the_button_and_hold_uses_the_default_window() -> None:
    now = datetime(2026, 11, 28, tzinfo=UTC)
    assert seal_after(SealSettings("MANUAL"), now, HOLD) is None
    assert seal_after(SealSettings(), now, HOLD) == now + HOLD
    assert seal_after(SealSettings("HOLD", timedelta(0)), now, HOLD) == now


def test_a_bad_cutoff_is_refused_naming_it() -> None:
    assert parse_cutoffs("9:05") == (time(9, 5),)
    with pytest.raises(ValueError, match="cut-off '25:00' is not HH:MM"):
        parse_cutoffs("10:00,25:00")


def test_an_excluded_marketplace_or_sku_is_never_bundled() -> None:
    order = _order(1, marketplace="NAVER")
    assert is_solo(order, set(), {"NAVER"})
    assert is_solo(order, {"A"}, set())
    assert not is_solo(order, {"B"}, {"COUPANG"})


def test_coupang_boxes_with_different_orderers_need_separate_invoices() -> None:
    assert separate_invoices([_order(1), _order(2, orderer="이서연")])
    assert not separate_invoices([_order(1), _order(2, orderer=" 김민준")])
    assert separate_invoices([_order(1), _order(2, mobile="010-9999-0000")])


def test_orderers_differing_outside_coupang_share_an_invoice() -> None:
    mixed = [_order(1, marketplace="NAVER"), _order(2, marketplace="NAVER", orderer="이서연")]
    assert not separate_invoices(mixed)
    assert not separate_invoices([_order(1), _order(2, marketplace="NAVER", orderer="이서연")])


def test_a_revision_keeps_the_bundle_id_and_an_empty_one_dissolves_it() -> None:
    bundle_id = uuid.uuid4()
    first, second = _order(1), _order(2, orderer="이서연")
    sealed = formed(bundle_id, [first, second])
    assert (sealed.revision, sealed.separate_invoices) == (1, True)
    revised = formed(bundle_id, [first], revision=2)
    assert (revised.bundle_id, revised.revision, revised.separate_invoices) == (bundle_id, 2, False)
    dissolved = formed(bundle_id, [], revision=3, anchor=first)
    assert dissolved.members == () and dissolved.recipient == first.recipient
