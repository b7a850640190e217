"""엑셀등록: a whole file of orders registered in one transaction, or none of it; the list of
uploaded files; and 일괄삭제 of one file's orders while no stage past matching has them."""

import itertools
import uuid
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from packline_collector.adapters import batches_repository as batches
from packline_collector.adapters import options_repository as options
from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters import orders_repository as repo
from packline_collector.adapters import spreadsheets
from packline_collector.domain import known_ids
from packline_collector.domain.excel_columns import map_headers
from packline_collector.domain.excel_orders import Parsed, parse_rows
from packline_collector.domain.order_file_rows import SOURCES, rows_as_template
from packline_collector.domain.order_files import (
    HEADER_SEARCH_ROWS,
    NotRecognised,
    Recognised,
    recognise,
)
from packline_collector.domain.order_template import TEMPLATE_SOURCE
from packline_collector.service_layer.use_cases import register_orders
from packline_contracts import Marketplace, OrderCancelled, OrderRef
from packline_runtime.unit_of_work import UnitOfWork


class FileRejected(ValueError):
    def __init__(
        self,
        message: str,
        errors: list[dict[str, Any]],
        total: int,
        expected: dict[str, list[str]] | None = None,
    ) -> None:
        super().__init__(message)
        self.errors, self.total = errors, total
        self.expected = expected or {}  # an unknown file: each source's required headers


class BatchNotFound(LookupError):
    pass


class DeleteRefused(ValueError):
    def __init__(self, refused: list[dict[str, str]]) -> None:
        super().__init__(
            f"{len(refused)} order(s) of this batch are past matching; nothing was deleted"
        )
        self.refused = refused


async def register_file(
    uow: UnitOfWork,
    seller_id: str,
    data: bytes,
    now: datetime,
    registered_by: str = "",
    password: str | None = None,
) -> dict[str, Any]:
    """Packline's template, or a marketplace's own order file (쿠팡 WING, 네이버 스마트스토어,
    11번가) known by its header row; all of it registered, or none."""
    try:
        grid = spreadsheets.read_grid(data, password)
        top = list(itertools.islice(grid, HEADER_SEARCH_ROWS))
        found = recognise(top, (*SOURCES, TEMPLATE_SOURCE))
        parsed, skipped = Parsed(), list[dict[str, Any]]()
        rows = itertools.chain(top, grid)
        parsed = parse_rows(seller_id, _rows(found, rows, parsed, skipped), now, parsed)
    except spreadsheets.UnreadableFile as exc:
        raise FileRejected(str(exc), [], 1) from exc
    except NotRecognised as exc:
        errors = [{"row": 0, "column": "", "problem": str(exc)}]
        raise FileRejected(str(exc), errors, 1, exc.expected) from exc
    except _HeaderProblems as exc:
        errors = [{"row": found.header_row, "column": "", "problem": p} for p in exc.problems]
        raise FileRejected(
            "the header row is not usable; nothing registered", errors, len(errors)
        ) from exc
    if parsed.error_count:
        raise FileRejected(
            f"{parsed.error_count} problem(s) in {parsed.rows} row(s); nothing registered — fix them and upload the whole file again",
            parsed.errors,
            parsed.error_count,
        )
    if not parsed.orders:
        raise FileRejected(
            "the file holds no orders" + (f" ({len(skipped)} row(s) skipped)" if skipped else ""),
            skipped[:200],
            0,
        )
    orders, resolved = parsed.orders, None
    need = known_ids.wanted(orders, parsed.stand_ins)
    if need:  # one look-up of what API collections named, for the ids the file lacks
        market = found.source.marketplace.value
        known = await options.lookup(uow.conn, seller_id, market, need.listing_ids, need.option_ids)
        resolved = known_ids.resolve(orders, parsed.stand_ins, known)
        orders = resolved.orders
    batch_id = uuid.uuid4()
    result = await register_orders(
        uow, orders, source="EXCEL", batch_id=batch_id, registered_by=registered_by
    )
    learned, by_text = resolved.counts(result.created) if resolved else (0, 0)
    return {
        "batch_id": str(batch_id),
        "source": found.source.key,
        "rows": parsed.rows + len(skipped),
        "orders": len(parsed.orders),
        "created": len(result.created),
        "duplicates": len(result.duplicates),
        "repaired": parsed.notes[:100],
        "repaired_count": len(parsed.notes),
        "skipped": skipped[:200],
        "skipped_count": len(skipped),
        "ids_from_api_orders": learned,
        "ids_from_file_text": by_text,
    }


class _HeaderProblems(ValueError):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _rows(
    found: Recognised,
    rows: Iterable[tuple[int, list[Any]]],
    parsed: Parsed,
    skipped: list[dict[str, Any]],
) -> Iterator[tuple[int, dict[str, Any]]]:
    if found.source is not TEMPLATE_SOURCE:
        yield from rows_as_template(found, rows, parsed, skipped)
        return
    header = next(values for n, values in rows if n == found.header_row)
    mapping, problems = map_headers([str(h if h is not None else "").strip() for h in header])
    if problems:
        raise _HeaderProblems(problems)
    for n, values in rows:
        yield n, {f: values[i] if i < len(values) else None for f, i in mapping.items()}


def _ref(row: dict[str, Any]) -> OrderRef:
    return OrderRef(
        seller_id=row["seller_id"],
        marketplace=Marketplace(row["marketplace"]),
        marketplace_order_id=row["marketplace_order_id"],
    )


async def delete_batch(
    uow: UnitOfWork, seller_id: str, batch_id: uuid.UUID, skip_past_matching: bool
) -> dict[str, Any]:
    """Orders no stage past the matcher has seen are deleted (OrderCancelled tells the matcher
    to drop them). Orders already matched or shipped refuse the whole delete, unless
    `skip_past_matching`, when only they are kept."""
    rows = await changes.lock_batch(uow.conn, batch_id, seller_id)
    if not rows:
        raise BatchNotFound(f"no Excel batch {batch_id}")
    refused = [
        {
            "order": _ref(r).uid,
            "reason": "already shipped"
            if r["status"] == "SHIPPED"
            else "already matched (매칭); cancel it on its own instead",
        }
        for r in rows
        if r["status"] == "SHIPPED" or (r["status"] == "COLLECTED" and r["matched_at"])
    ]
    if refused and not skip_past_matching:
        raise DeleteRefused(refused)
    deletable = [r for r in rows if r["status"] == "COLLECTED" and not r["matched_at"]]
    refs = [_ref(r) for r in deletable]
    if refs:
        await repo.set_status(uow.conn, refs, "DELETED")
    for row, ref in zip(deletable, refs, strict=True):
        uow.emit(
            OrderCancelled(
                seller_id=row["seller_id"],
                correlation_id=row["event_id"],
                order=ref,
                recipient_key=row["recipient_key"],
                source="CONSOLE",
                reason="엑셀 등록 일괄 삭제 (Excel batch deleted)",
            )
        )
    return {
        "batch_id": str(batch_id),
        "deleted": len(refs),
        "refused": refused,
        "already_gone": len(rows) - len(refs) - len(refused),
    }


async def listed_batches(
    uow: UnitOfWork, seller_id: str, limit: int, offset: int
) -> list[dict[str, Any]]:
    """The seller's Excel batches with orders left to delete, newest first."""
    return await batches.listed(uow.conn, seller_id, "EXCEL", limit, offset)
