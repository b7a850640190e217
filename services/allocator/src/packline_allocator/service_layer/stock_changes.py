"""재고 변경 with a reason (입고, 조정, 반품 재입고, 실사) and 안전재고 set / release, over the
unit of work's repositories: all or nothing per batch, one audit row per SKU, then a wave over
exactly the SKUs whose availability grew (rules: domain/ledger.py, domain/movements.py)."""

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from packline_allocator.domain.ledger import StockBelowReserved, StockLedger
from packline_allocator.domain.movements import (
    STOCK_REASONS,
    BatchRefused,
    MoveLine,
    Movement,
    MovementReason,
    SkuProblem,
    Stamp,
    apply,
    grew,
)
from packline_allocator.service_layer import waves
from packline_allocator.service_layer.ports import StockWork


@dataclass(frozen=True)
class Moved:
    """What a batch did: its audit rows and how many bundles the wave after it allocated."""

    batch_id: uuid.UUID
    movements: list[Movement]
    bundles_allocated: int


def _stamp(by: str, at: datetime | None) -> Stamp:
    return Stamp(uuid.uuid4(), by, at or datetime.now(UTC))


async def _ledgers(
    work: StockWork, seller_id: str, skus: Collection[str], new_allowed: bool
) -> dict[str, StockLedger]:
    """The seller's ledgers of these SKUs, locked; a SKU nobody stocked gets a new ledger, or
    (new_allowed False) refuses the batch."""
    await work.stock.lock_sellers([seller_id])
    ledgers = await work.stock.ledgers(seller_id, skus)
    unknown = [sku for sku in skus if sku not in ledgers]
    if unknown and not new_allowed:
        raise BatchRefused([SkuProblem(s, f"{s}: no stock row for this SKU") for s in unknown])
    for sku in unknown:
        ledgers[sku] = StockLedger.new(seller_id, sku)
    return ledgers


async def _record(
    work: StockWork,
    seller_id: str,
    reason: MovementReason,
    lines: Sequence[MoveLine],
    stamp: Stamp,
    new_allowed: bool = True,
) -> Moved:
    ledgers = await _ledgers(work, seller_id, [line.sku for line in lines], new_allowed)
    movements = apply(ledgers, reason, lines, stamp)  # BatchRefused: nothing saved
    await work.stock.save(ledgers.values())
    await work.movements.add(movements)
    allocated = await waves.allocation_wave(work, seller_id, grew(movements))
    return Moved(stamp.batch_id, movements, allocated)


async def move_stock(
    work: StockWork,
    seller_id: str,
    reason: MovementReason,
    lines: Sequence[MoveLine],
    by: str,
    at: datetime | None = None,
) -> Moved:
    """입고 / 조정 / 반품 재입고 (a signed delta per SKU) or 실사 (the counted level): every
    SKU moves or none does (BatchRefused names each that cannot); a SKU nobody stocked yet
    starts a new ledger."""
    if reason not in STOCK_REASONS:
        raise ValueError(f"{reason} is not a stock movement; set safety stock instead")
    return await _record(work, seller_id, reason, lines, _stamp(by, at))


async def set_safety(
    work: StockWork,
    seller_id: str,
    lines: Sequence[MoveLine],
    by: str,
    at: datetime | None = None,
) -> Moved:
    """안전재고: units per SKU held back from allocation (a lowered one may let bundles go)."""
    return await _record(work, seller_id, MovementReason.SAFETY_SET, lines, _stamp(by, at))


async def release_safety(
    work: StockWork,
    seller_id: str,
    skus: Sequence[str],
    by: str,
    note: str = "",
    at: datetime | None = None,
) -> Moved:
    """A person releases the safety stock of these SKUs (to 0), and a wave gives it out."""
    lines = [MoveLine(sku, 0, note) for sku in skus]
    stamp = _stamp(by, at)
    return await _record(
        work, seller_id, MovementReason.SAFETY_RELEASE, lines, stamp, new_allowed=False
    )


async def set_levels(
    work: StockWork, seller_id: str, levels: Mapping[str, int], by: str = ""
) -> int:
    """재고 수정 (PUT /stock): the counted on-hand of each SKU (실사: all or nothing, each with
    its audit row), then a wave; returns the bundles it allocated. A level below what is
    reserved refuses the whole batch (StockBelowReserved, naming each SKU)."""
    lines = [MoveLine(sku, quantity) for sku, quantity in levels.items()]
    try:
        moved = await move_stock(work, seller_id, MovementReason.STOCKTAKE, lines, by)
    except BatchRefused as exc:
        raise StockBelowReserved(f"on-hand below reserved stock: {exc}") from exc
    return moved.bundles_allocated
