"""재고 변경 and 안전재고 through the service layer over fake repositories: a receipt allocates
the waiting bundle that needs that SKU (and the wave looks at nothing else), a refused batch
saves nothing, safety stock holds a bundle back until a person releases it."""

import pytest

from packline_allocator.domain.movements import BatchRefused, MoveLine, MovementReason
from packline_allocator.domain.order_stock import BundleStatus
from packline_allocator.domain.stock_sheet import RowError, SheetRejected
from packline_allocator.service_layer import stock_changes, stock_upload
from packline_launcher.testing import bundle, collected, matched

from .fakes import FakeWork

RECEIPT, STOCKTAKE = MovementReason.RECEIPT, MovementReason.STOCKTAKE


def waiting(work: FakeWork, number: int, **needs: int) -> None:
    work.bundles.add(bundle(matched(collected(number), needs)))


def statuses(work: FakeWork) -> list[BundleStatus]:
    return [b.status for b in sorted(work.bundles.stored.values(), key=lambda b: b.paid_at)]


async def test_a_receipt_allocates_the_waiting_bundle_of_that_sku_only() -> None:
    work = FakeWork()
    waiting(work, 1, A=2)
    waiting(work, 2, B=1)
    moved = await stock_changes.move_stock(work, "s1", RECEIPT, [MoveLine("A", 3)], "kim")
    assert moved.bundles_allocated == 1
    assert statuses(work) == [BundleStatus.ALLOCATED, BundleStatus.WAITING]
    assert work.stock.rows == {("s1", "A"): (3, 2)}
    assert work.stock.loaded[-1] == {"A"}  # the wave read only the SKU that gained stock
    [row] = work.movements.rows
    assert (row.sku, row.reason, row.delta, row.on_hand_after, row.by) == (
        "A",
        RECEIPT,
        3,
        3,
        "kim",
    )


async def test_a_refused_batch_saves_nothing_and_names_every_sku() -> None:
    work = FakeWork()
    work.stock.rows[("s1", "A")] = (5, 4)
    work.stock.rows[("s1", "B")] = (1, 0)
    lines = [MoveLine("A", 3), MoveLine("B", 2), MoveLine("NEW", 7)]
    with pytest.raises(BatchRefused) as refused:
        await stock_changes.move_stock(work, "s1", STOCKTAKE, lines, "kim")
    assert [p.sku for p in refused.value.problems] == ["A"]
    with pytest.raises(BatchRefused) as negative:
        await stock_changes.move_stock(
            work, "s1", MovementReason.ADJUSTMENT, [MoveLine("A", -2), MoveLine("B", -2)], "kim"
        )
    assert [p.sku for p in negative.value.problems] == ["A", "B"]
    assert work.stock.rows == {("s1", "A"): (5, 4), ("s1", "B"): (1, 0)}
    assert work.movements.rows == []


async def test_safety_stock_holds_a_bundle_back_until_released() -> None:
    work = FakeWork()
    await stock_changes.set_safety(work, "s1", [MoveLine("A", 2)], "kim")
    waiting(work, 1, A=2)
    moved = await stock_changes.move_stock(work, "s1", RECEIPT, [MoveLine("A", 3)], "kim")
    assert moved.bundles_allocated == 0  # 3 on hand, 2 held back: 1 available
    assert statuses(work) == [BundleStatus.WAITING]
    released = await stock_changes.release_safety(work, "s1", ["A"], "lee", "행사 끝")
    assert released.bundles_allocated == 1
    assert statuses(work) == [BundleStatus.ALLOCATED]
    assert (work.stock.rows[("s1", "A")], work.stock.safety[("s1", "A")]) == ((3, 2), 0)
    assert [(m.reason, m.delta, m.safety_after, m.by) for m in work.movements.rows] == [
        (MovementReason.SAFETY_SET, 2, 2, "kim"),
        (RECEIPT, 3, 2, "kim"),
        (MovementReason.SAFETY_RELEASE, -2, 0, "lee"),
    ]


async def test_releasing_a_sku_nobody_stocked_is_refused() -> None:
    work = FakeWork()
    with pytest.raises(BatchRefused, match="GHOST: no stock row"):
        await stock_changes.release_safety(work, "s1", ["GHOST"], "kim")
    assert work.stock.rows == {} and work.movements.rows == []


async def test_safety_is_not_a_stock_movement() -> None:
    with pytest.raises(ValueError, match="not a stock movement"):
        await stock_changes.move_stock(
            FakeWork(), "s1", MovementReason.SAFETY_SET, [MoveLine("A", 1)], "kim"
        )


async def test_an_upload_refused_by_a_ledger_names_the_row_and_saves_nothing() -> None:
    work = FakeWork()
    work.stock.rows[("s1", "A")] = (3, 3)
    found = stock_upload.parse("상품코드,수량,창고\nNEW,4,B동\nA,1,A동\n".encode())
    with pytest.raises(SheetRejected) as rejected:
        await stock_upload.apply_sheet(work, "s1", STOCKTAKE, found, "kim")
    assert rejected.value.errors == [RowError(3, "수량", "A: 1 < 3 reserved")]
    assert work.stock.rows == {("s1", "A"): (3, 3)} and work.movements.rows == []


def test_a_file_without_rows_or_not_a_file_is_refused() -> None:
    with pytest.raises(SheetRejected, match="1 problem"):
        stock_upload.parse(b"SKU,qty\n\n")
    with pytest.raises(SheetRejected) as broken:
        stock_upload.parse(b"PK\x03\x04 not really a workbook")
    assert "not a readable .xlsx" in broken.value.errors[0].message
