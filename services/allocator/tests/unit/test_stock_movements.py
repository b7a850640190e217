"""Stock changes with a reason and 안전재고 on the ledger (no database): a stocktake sets the
counted level, deltas never turn on hand negative or below reserved, safety stock is held back
from what a wave may give, and a batch with any refused SKU is refused whole, naming each."""

import uuid
from datetime import UTC, datetime

import pytest

from packline_allocator.domain.ledger import (
    MAX_ON_HAND,
    StockBelowReserved,
    StockLedger,
    StockRefused,
)
from packline_allocator.domain.movements import (
    BatchRefused,
    MoveLine,
    MovementReason,
    Stamp,
    apply,
    grew,
)

STAMP = Stamp(uuid.uuid4(), "kim", datetime(2026, 12, 1, 9, tzinfo=UTC))


def ledger(on_hand: int = 0, reserved: int = 0, safety: int = 0, sku: str = "A") -> StockLedger:
    return StockLedger("s1", sku, on_hand, reserved, safety)


def test_safety_stock_is_held_back_from_what_a_wave_may_give() -> None:
    stock = ledger(10, 3)
    assert stock.set_safety(4) == 4
    assert stock.available == 3 and stock.fits(3) and not stock.fits(4)
    with pytest.raises(StockRefused):
        stock.reserve(4)
    assert stock.release_safety() == -4
    assert (stock.safety, stock.available) == (0, 7)


def test_available_never_goes_negative_when_a_count_eats_into_safety() -> None:
    stock = ledger(10, 3, safety=5)
    stock.count(4)  # below reserved + safety, not below reserved: allowed
    assert (stock.on_hand, stock.available) == (4, 0)
    assert not stock.fits(1) and stock.fits(0)


def test_safety_must_be_a_count_of_units() -> None:
    stock = ledger(5)
    with pytest.raises(StockRefused, match="A: safety stock -1"):
        stock.set_safety(-1)
    with pytest.raises(StockRefused):
        stock.set_safety(MAX_ON_HAND + 1)
    assert (stock.safety, stock.changed) == (0, False)
    assert stock.set_safety(0) == 0 and not stock.changed


def test_a_stocktake_sets_the_counted_level_never_below_reserved() -> None:
    stock = ledger(5, 3)
    assert stock.count(8) == 3 and stock.on_hand == 8
    with pytest.raises(StockBelowReserved, match="A: 2 < 3 reserved"):
        stock.count(2)
    with pytest.raises(StockRefused, match="a count of -1"):
        stock.count(-1)
    assert stock.on_hand == 8


def test_a_delta_never_turns_on_hand_negative_or_below_reserved() -> None:
    stock = ledger(5, 2)
    assert stock.adjust(-3) == -3 and stock.on_hand == 2
    with pytest.raises(StockBelowReserved):
        stock.adjust(-1)
    with pytest.raises(StockRefused, match="would be negative"):
        ledger(1).adjust(-2)
    with pytest.raises(StockRefused, match="is over"):
        ledger(MAX_ON_HAND).adjust(1)


def test_a_batch_with_refused_skus_names_each_of_them() -> None:
    ledgers = {"A": ledger(5, 3), "B": ledger(1, sku="B"), "C": ledger(0, sku="C")}
    lines = [MoveLine("A", -3), MoveLine("B", 4), MoveLine("C", -1)]
    with pytest.raises(BatchRefused) as refused:
        apply(ledgers, MovementReason.ADJUSTMENT, lines, STAMP)
    assert [p.sku for p in refused.value.problems] == ["A", "C"]
    assert "A: 2 < 3 reserved" in refused.value.problems[0].message


def test_a_sku_named_twice_refuses_the_batch() -> None:
    ledgers = {"A": ledger(5)}
    with pytest.raises(BatchRefused, match="A: named twice"):
        apply(ledgers, MovementReason.RECEIPT, [MoveLine("A", 1), MoveLine("A", 2)], STAMP)
    assert ledgers["A"].on_hand == 5


def test_each_sku_leaves_one_audit_row_with_the_ledger_after_it() -> None:
    ledgers = {"A": ledger(5, 1, safety=2), "B": ledger(0, sku="B")}
    rows = apply(
        ledgers,
        MovementReason.STOCKTAKE,
        [MoveLine("A", 9, "실사 12월"), MoveLine("B", 0)],
        STAMP,
    )
    assert [(m.sku, m.reason, m.delta, m.on_hand_after, m.safety_after, m.note) for m in rows] == [
        ("A", MovementReason.STOCKTAKE, 4, 9, 2, "실사 12월"),
        ("B", MovementReason.STOCKTAKE, 0, 0, 0, ""),
    ]
    assert {(m.batch_id, m.by, m.at) for m in rows} == {(STAMP.batch_id, "kim", STAMP.at)}


def test_only_skus_whose_availability_grew_need_a_wave() -> None:
    ledgers = {s: ledger(5, sku=s, safety=2) for s in "ABC"}
    moved = apply(ledgers, MovementReason.ADJUSTMENT, [MoveLine("A", 2), MoveLine("B", -1)], STAMP)
    assert grew(moved) == ["A"]
    safety = apply(ledgers, MovementReason.SAFETY_SET, [MoveLine("B", 0), MoveLine("C", 3)], STAMP)
    assert grew(safety) == ["B"]
