"""Stock movements (재고 변경) with a reason, all or nothing per batch, and the audit row each
SKU's change leaves: 입고, 조정, 반품 재입고 move on hand by a signed delta; 실사 sets the counted
level; 안전재고 set and release change what is held back from allocation."""

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from packline_allocator.domain.ledger import StockLedger, StockRefused


class MovementReason(StrEnum):
    RECEIPT = "RECEIPT"  # 입고: units arrive (signed delta)
    ADJUSTMENT = "ADJUSTMENT"  # 조정: a correction (signed delta)
    RETURN_RESTOCK = "RETURN_RESTOCK"  # 반품 재입고: returned units back on the shelf (delta)
    STOCKTAKE = "STOCKTAKE"  # 실사: the counted level
    SAFETY_SET = "SAFETY_SET"  # 안전재고 set: units held back from allocation
    SAFETY_RELEASE = "SAFETY_RELEASE"  # 안전재고 released by a person: back to 0


STOCK_REASONS = (
    MovementReason.RECEIPT,
    MovementReason.ADJUSTMENT,
    MovementReason.RETURN_RESTOCK,
    MovementReason.STOCKTAKE,
)


@dataclass(frozen=True)
class MoveLine:
    """One SKU of a batch: a signed delta, or for 실사 (and safety) the level; its note."""

    sku: str
    quantity: int
    note: str = ""


@dataclass(frozen=True)
class Movement:
    """The audit row of one SKU's change. For safety rows `delta` is the change of the safety
    stock; `on_hand_after` and `safety_after` are the ledger after the batch."""

    batch_id: uuid.UUID
    seller_id: str
    sku: str
    reason: MovementReason
    delta: int
    on_hand_after: int
    safety_after: int
    note: str
    by: str
    at: datetime


@dataclass(frozen=True)
class SkuProblem:
    sku: str
    message: str


class BatchRefused(StockRefused):
    """A batch refused whole: every SKU that cannot move, and why; nothing changed."""

    def __init__(self, problems: Sequence[SkuProblem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))


@dataclass(frozen=True)
class Stamp:
    """Who and when a batch is recorded under."""

    batch_id: uuid.UUID
    by: str
    at: datetime


def _step(reason: MovementReason) -> Callable[[StockLedger, int], int]:
    if reason is MovementReason.STOCKTAKE:
        return StockLedger.count
    if reason is MovementReason.SAFETY_SET:
        return StockLedger.set_safety
    if reason is MovementReason.SAFETY_RELEASE:
        return lambda ledger, _: ledger.release_safety()
    return StockLedger.adjust


def apply(
    ledgers: Mapping[str, StockLedger],
    reason: MovementReason,
    lines: Sequence[MoveLine],
    stamp: Stamp,
) -> list[Movement]:
    """Apply one step per line to its SKU's ledger (every line's SKU has one, new or stored);
    the audit rows, or BatchRefused listing every line that could not move (a caller then
    drops the ledgers: nothing of the batch may be saved)."""
    if len({line.sku for line in lines}) != len(lines):
        raise BatchRefused([SkuProblem(s, f"{s}: named twice") for s in _twice(lines)])
    step = _step(reason)
    problems: list[SkuProblem] = []
    deltas: dict[str, int] = {}
    for line in lines:
        try:
            deltas[line.sku] = step(ledgers[line.sku], line.quantity)
        except StockRefused as exc:
            problems.append(SkuProblem(line.sku, str(exc)))
    if problems:
        raise BatchRefused(problems)
    return [
        Movement(
            stamp.batch_id,
            ledgers[line.sku].seller_id,
            line.sku,
            reason,
            deltas[line.sku],
            ledgers[line.sku].on_hand,
            ledgers[line.sku].safety,
            line.note,
            stamp.by,
            stamp.at,
        )
        for line in lines
    ]


def _twice(lines: Sequence[MoveLine]) -> list[str]:
    seen: set[str] = set()
    twice = []
    for line in lines:
        if line.sku in seen and line.sku not in twice:
            twice.append(line.sku)
        seen.add(line.sku)
    return twice


def grew(movements: Sequence[Movement]) -> list[str]:
    """SKUs whose availability may have grown: on hand up, or safety down. A wave need not
    look at the others (nothing new fits there)."""
    safety = (MovementReason.SAFETY_SET, MovementReason.SAFETY_RELEASE)
    return sorted(m.sku for m in movements if (m.delta < 0 if m.reason in safety else m.delta > 0))
