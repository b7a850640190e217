"""부분취소 at the shipping line, decided under the parcel's row lock like a whole cancel and
answered (CancellationDecided naming the units): CANCELLED marks the units in the READY parcel,
whose scan answers INCOMPLETE (reprint the label) until a person confirms the repack, then ships
the units left; TOO_LATE when the parcel had shipped, with nothing taken out of it."""

from typing import Any

import pytest

from packline_contracts import (
    CancellationDecided,
    CancelledLine,
    MatchedLine,
    OrderCancelled,
    OrderMatched,
    Shipped,
    SkuLine,
    WaybillIssued,
)
from packline_launcher.testing import bundle, collected, line
from packline_runtime.unit_of_work import UnitOfWork, unit_of_work
from packline_shipper.bootstrap import MIGRATIONS
from packline_shipper.domain.scan import ScanCode, ScanRejected, rows_of
from packline_shipper.service_layer import scanning, use_cases

from .racing import race

NUMBER = "300000000006"
ORDER = collected(1, line(line_id="1", quantity=3), line(line_id="2", quantity=1))


def _issued() -> WaybillIssued:
    one = OrderMatched(
        **ORDER.follow_up(),
        order=ORDER.order,
        recipient_key=ORDER.recipient_key,
        paid_at=ORDER.paid_at,
        recipient=ORDER.recipient,
        lines=ORDER.lines,
        matched_lines=(
            MatchedLine(line_id="1", skus=(SkuLine(sku="A", quantity=3),)),
            MatchedLine(line_id="2", skus=(SkuLine(sku="C", quantity=1),)),
        ),
    )
    box = bundle(one)
    return WaybillIssued(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number=NUMBER,
        recipient=box.recipient,
        members=box.members,
    )


def _partial(units: int) -> OrderCancelled:
    return OrderCancelled(
        **ORDER.follow_up(),
        order=ORDER.order,
        recipient_key=ORDER.recipient_key,
        lines=(CancelledLine(line_id="1", quantity=units),),
    )


async def _apply(pool: Any, *events: Any) -> list[Any]:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, events)
        return list(uow.emitted)


async def _scan(pool: Any, **kw: Any) -> list[Shipped]:
    async with unit_of_work(pool) as uow:
        await scanning.scan(uow, "s1", rows_of([NUMBER]), "line-1", **kw)
        return [e for e in uow.emitted if isinstance(e, Shipped)]


def _answers(events: list[Any]) -> list[tuple[str, tuple[tuple[str, int], ...]]]:
    return [
        (e.outcome, tuple((li.line_id, li.quantity) for li in e.lines or ()))
        for e in events
        if isinstance(e, CancellationDecided)
    ]


@pytest.mark.parametrize("first", ["waybill", "cancel"])
async def test_a_partly_cancelled_parcel_is_incomplete_until_confirmed_then_ships_the_rest(
    new_schema: Any, first: str
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="spart")
    events = [_issued(), _partial(1)] if first == "waybill" else [_partial(1), _issued()]
    answered = []
    for event in events:
        answered += await _apply(pool, event)
    answered += await _apply(pool, _partial(2))
    # every partial cancel is answered, with its units, whether or not the parcel exists yet
    assert _answers(answered) == [("CANCELLED", (("1", 1),)), ("CANCELLED", (("1", 2),))]

    with pytest.raises(ScanRejected) as refused:
        await _scan(pool)
    [row] = refused.value.report.rows
    assert row.code is ScanCode.INCOMPLETE and "라벨 재출력" in row.message
    assert "POST /labels" in row.message  # where the relabelled contents are printed

    [shipped] = await _scan(pool, confirm_incomplete=True)
    assert [o.order for o in shipped.orders] == [ORDER.order]
    assert shipped.stock_out == (SkuLine(sku="C", quantity=1),)  # all 3 of line 1 cancelled


async def test_a_partial_cancel_after_the_scan_is_too_late_and_takes_nothing_out(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="spart")
    await _apply(pool, _issued())
    [shipped] = await _scan(pool)
    assert shipped.stock_out == (SkuLine(sku="A", quantity=3), SkuLine(sku="C", quantity=1))

    [decided] = await _apply(pool, _partial(1))
    assert isinstance(decided, CancellationDecided) and decided.outcome == "TOO_LATE"
    assert decided.tracking_number == NUMBER and _answers([decided])[0][1] == (("1", 1),)
    async with pool.acquire() as conn:  # the units left with the parcel: nothing is counted
        assert await conn.fetchval("SELECT count(*) FROM cancelled_units") == 0


@pytest.mark.parametrize("scan_first", [True, False])
async def test_a_partial_cancel_racing_the_scan_is_decided_by_the_parcel_lock(
    new_schema: Any, scan_first: bool
) -> None:
    """Whichever takes the parcel's row lock first wins: the scan ships the whole box and the
    cancel is TOO_LATE, or the cancel is CANCELLED and the box cannot leave unrelabelled."""
    pool = await new_schema(MIGRATIONS, prefix="spart")
    await _apply(pool, _issued())

    async def scan(uow: UnitOfWork) -> None:
        await scanning.scan(uow, "s1", rows_of([NUMBER]), "line-1")

    async def cancel(uow: UnitOfWork) -> None:
        await use_cases.handle_events(uow, [_partial(1)])

    first, second = await race(pool, *((scan, cancel) if scan_first else (cancel, scan)))

    if scan_first:
        [shipped] = first
        assert isinstance(shipped, Shipped) and len(shipped.stock_out) == 2
        assert not isinstance(second, BaseException)
        assert _answers(second) == [("TOO_LATE", (("1", 1),))]
    else:
        assert _answers(first) == [("CANCELLED", (("1", 1),))]
        assert isinstance(second, ScanRejected)
        assert second.report.rows[0].code is ScanCode.INCOMPLETE
        [shipped] = await _scan(pool, confirm_incomplete=True)
        assert shipped.stock_out == (SkuLine(sku="A", quantity=2), SkuLine(sku="C", quantity=1))
