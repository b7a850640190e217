"""재고 업로드: a stock file (.xlsx or .csv) read and checked whole, then applied as one batch
of stock movements with its reason; a broken file or a refused SKU changes nothing and names
every row."""

from collections.abc import Sequence

from packline_allocator.adapters import stock_sheets
from packline_allocator.domain.movements import BatchRefused, MovementReason
from packline_allocator.domain.stock_sheet import RowError, SheetLine, SheetRejected, lines
from packline_allocator.service_layer import stock_changes
from packline_allocator.service_layer.ports import StockWork


def parse(data: bytes) -> list[SheetLine]:
    """Every row of the file as a line, or SheetRejected with every problem (CPU work: the
    caller runs it off the event loop)."""
    try:
        header, rows = stock_sheets.read(data)
        found = lines(header, rows)
    except stock_sheets.UnreadableFile as exc:
        raise SheetRejected([RowError(1, "-", str(exc))]) from exc
    if not found:
        raise SheetRejected([RowError(2, "-", "the file has a header but no SKU rows")])
    return found


async def apply_sheet(
    work: StockWork,
    seller_id: str,
    reason: MovementReason,
    found: Sequence[SheetLine],
    by: str,
) -> stock_changes.Moved:
    """The file's lines as one batch; a SKU the ledger refuses (a count below what is reserved,
    on hand turning negative) refuses the file, named by its row."""
    try:
        return await stock_changes.move_stock(work, seller_id, reason, [f.line for f in found], by)
    except BatchRefused as exc:
        row_of = {f.line.sku: f.row for f in found}
        raise SheetRejected(
            [RowError(row_of.get(p.sku, 0), "수량", p.message) for p in exc.problems]
        ) from exc
