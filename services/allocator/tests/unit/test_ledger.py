"""A SKU's stock ledger: on hand and reserved never negative, on hand never below reserved."""

import pytest

from packline_allocator.domain.ledger import StockBelowReserved, StockLedger, StockRefused


def ledger(on_hand: int = 0, reserved: int = 0) -> StockLedger:
    return StockLedger("s1", "A", on_hand, reserved)


def test_set_on_hand_below_reserved_is_refused_and_changes_nothing() -> None:
    stock = ledger(5, 3)
    with pytest.raises(StockBelowReserved, match="A: 2 < 3 reserved"):
        stock.set_on_hand(2)
    assert (stock.on_hand, stock.reserved, stock.changed) == (5, 3, False)
    stock.set_on_hand(3)
    assert (stock.on_hand, stock.available, stock.changed) == (3, 0, True)


def test_an_unchanged_level_is_not_a_change() -> None:
    stock = ledger(4)
    stock.set_on_hand(4)
    assert not stock.changed


def test_reserve_only_what_is_available() -> None:
    stock = ledger(3, 1)
    assert stock.fits(2) and not stock.fits(3)
    with pytest.raises(StockRefused):
        stock.reserve(3)
    stock.reserve(2)
    assert (stock.on_hand, stock.reserved, stock.available) == (3, 3, 0)


def test_release_gives_units_back_but_never_below_zero() -> None:
    stock = ledger(3, 2)
    stock.release(2)
    assert stock.available == 3
    with pytest.raises(StockRefused):
        stock.release(1)
    assert stock.reserved == 0


def test_ship_takes_reserved_units_out_of_both() -> None:
    stock = ledger(5, 2)
    stock.ship(2)
    assert (stock.on_hand, stock.reserved) == (3, 0)
    with pytest.raises(StockRefused):
        stock.ship(1)  # nothing reserved any more


def test_take_out_never_goes_below_reserved_nor_negative() -> None:
    stock = ledger(3, 2)
    with pytest.raises(StockBelowReserved):
        stock.take_out(2)
    stock.take_out(1)
    assert (stock.on_hand, stock.reserved) == (2, 2)
    with pytest.raises(StockRefused):
        stock.take_out(-1)


def test_receive_adds_units() -> None:
    stock = StockLedger.new("s1", "A")
    stock.receive(4)
    assert (stock.on_hand, stock.stored, stock.changed) == (4, False, True)
