"""A cancellation racing a scan on real PostgreSQL: two transactions, each order of arrival.
Whichever takes the parcel's row lock first wins; the other gets the matching answer."""

from typing import Any

import pytest

from packline_contracts import CancellationDecided, OrderCancelled, Shipped, WaybillIssued
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.unit_of_work import unit_of_work
from packline_shipper.bootstrap import MIGRATIONS
from packline_shipper.domain.scan import ScanCode, ScanRejected, rows_of
from packline_shipper.service_layer import scanning, use_cases

from .racing import Work, race

NUMBER = "300000000006"


def _waybill_and_cancel() -> tuple[WaybillIssued, OrderCancelled]:
    order = collected(1)
    box = bundle(matched(order, {"A": 1}))
    issued = WaybillIssued(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number=NUMBER,
        recipient=box.recipient,
        members=box.members,
    )
    cancel = OrderCancelled(
        **order.follow_up(), order=order.order, recipient_key=order.recipient_key
    )
    return issued, cancel


async def _status(pool: Any) -> str:
    async with pool.acquire() as conn:
        return str(await conn.fetchval("SELECT status FROM parcels"))


async def test_scan_first_ships_and_the_late_cancel_is_answered_too_late(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="srace")
    issued, cancel = _waybill_and_cancel()
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [issued])

    scanned, cancelled = await race(
        pool,
        lambda uow: scanning.scan(uow, "s1", rows_of([NUMBER]), "line-1"),
        lambda uow: use_cases.handle_events(uow, [cancel]),
    )

    [shipped] = scanned
    assert isinstance(shipped, Shipped)
    assert [o.order for o in shipped.orders] == [cancel.order]
    assert not isinstance(cancelled, BaseException)
    [decided] = cancelled
    assert isinstance(decided, CancellationDecided)
    assert (decided.outcome, decided.tracking_number) == ("TOO_LATE", NUMBER)
    assert decided.causation_id == cancel.event_id
    assert await _status(pool) == "SHIPPED"


async def test_cancel_first_stops_the_parcel_and_the_late_scan_is_refused(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="srace")
    issued, cancel = _waybill_and_cancel()
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, [issued])

    cancelled, scanned = await race(
        pool,
        lambda uow: use_cases.handle_events(uow, [cancel]),
        lambda uow: scanning.scan(uow, "s1", rows_of([NUMBER]), "line-1"),
    )

    [decided] = cancelled
    assert isinstance(decided, CancellationDecided)
    assert (decided.outcome, decided.tracking_number) == ("CANCELLED", None)
    assert isinstance(scanned, ScanRejected)
    [row] = scanned.report.rows
    assert (row.tracking_number, row.code) == (NUMBER, ScanCode.CANCELLED)
    assert row.message.startswith("출고 중지")
    assert await _status(pool) == "STOPPED"


@pytest.mark.parametrize("waybill_first", [True, False])
async def test_a_cancel_and_its_waybill_in_two_transactions_never_leave_a_shippable_parcel(
    new_schema: Any, waybill_first: bool
) -> None:
    """The cancel answered CANCELLED must hold even when the parcel is being recorded at the
    same moment: the order's lock makes one transaction see the other's row."""
    pool = await new_schema(MIGRATIONS, prefix="srace")
    issued, cancel = _waybill_and_cancel()
    record: Work = lambda uow: use_cases.handle_events(uow, [issued])  # noqa: E731
    hear: Work = lambda uow: use_cases.handle_events(uow, [cancel])  # noqa: E731

    first, second = await race(pool, *((record, hear) if waybill_first else (hear, record)))

    decisions = [e for e in [*first, *second] if isinstance(e, CancellationDecided)]
    assert [d.outcome for d in decisions] == ["CANCELLED"]
    assert await _status(pool) == "STOPPED"
    with pytest.raises(ScanRejected):
        async with unit_of_work(pool) as uow:
            await scanning.scan(uow, "s1", rows_of([NUMBER]), "line-1")
