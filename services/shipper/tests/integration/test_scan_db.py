"""출고 스캔 on real PostgreSQL: all or nothing with every row's answer, a partial scan ships the
OK rows only, a repeat scan changes nothing, and the lookup never crosses sellers."""

from typing import Any

import pytest

from packline_contracts import OrderCancelled, Shipped, WaybillIssued
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.unit_of_work import unit_of_work
from packline_shipper.bootstrap import MIGRATIONS
from packline_shipper.domain.scan import ScanCode, ScanRejected, ScanReport, rows_of
from packline_shipper.service_layer import scanning, use_cases


def _issued(number: str, *orders: int, seller: str = "s1") -> WaybillIssued:
    box = bundle(*(matched(collected(n, seller=seller), {"A": 1}) for n in orders or (1,)))
    return WaybillIssued(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number=number,
        recipient=box.recipient,
        members=box.members,
    )


def _cancel(order: int, seller: str = "s1") -> OrderCancelled:
    made = collected(order, seller=seller)
    return OrderCancelled(**made.follow_up(), order=made.order, recipient_key=made.recipient_key)


async def _apply(pool: Any, *events: Any) -> None:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, events)


async def _scan(
    pool: Any, *numbers: str, seller: str = "s1", **kw: Any
) -> tuple[ScanReport, list[Shipped]]:
    async with unit_of_work(pool) as uow:
        report = await scanning.scan(uow, seller, rows_of(numbers), "line-1", **kw)
        return report, [e for e in uow.emitted if isinstance(e, Shipped)]


async def _statuses(pool: Any) -> dict[str, str]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT tracking_number, status FROM parcels")
    return {r["tracking_number"]: r["status"] for r in rows}


async def test_a_parcel_holding_a_cancelled_order_stops_the_scan_and_nothing_ships(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="sscan")
    await _apply(pool, _issued("300000000006", 1), _issued("300000000013", 2, 3))
    await _apply(pool, _cancel(3))

    with pytest.raises(ScanRejected) as refused:
        await _scan(pool, "300000000006", "300000000013")

    ok, incomplete = refused.value.report.rows
    assert (ok.code, ok.shipped) == (ScanCode.OK, False)
    assert incomplete.code is ScanCode.INCOMPLETE and incomplete.message.startswith("출고 중지")
    assert [o.marketplace_order_id for o in incomplete.orders] == [
        collected(3).order.marketplace_order_id
    ]
    assert await _statuses(pool) == {"300000000006": "READY", "300000000013": "READY"}


async def test_a_confirmed_incomplete_parcel_ships_without_its_cancelled_order(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="sscan")
    await _apply(pool, _issued("300000000013", 2, 3))
    await _apply(pool, _cancel(3))

    report, [shipped] = await _scan(pool, "300000000013", confirm_incomplete=True)

    assert [(r.code, r.shipped) for r in report.rows] == [(ScanCode.OK, True)]
    assert [o.order for o in shipped.orders] == [collected(2).order]


async def test_allow_partial_ships_the_ok_rows_once_and_reports_the_rest(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="sscan")
    await _apply(pool, _issued("300000000006", 1), _issued("300000000013", 2))
    await _apply(pool, _cancel(2))

    report, shipped = await _scan(
        pool, "300000000006", "300000000013", "3000-0000-0006", "999999999999", allow_partial=True
    )

    assert [(r.code, r.shipped) for r in report.rows] == [
        (ScanCode.OK, True),
        (ScanCode.CANCELLED, False),
        (ScanCode.DUPLICATE, False),
        (ScanCode.UNKNOWN, False),
    ]
    assert [e.tracking_number for e in shipped] == ["300000000006"]
    assert await _statuses(pool) == {"300000000006": "SHIPPED", "300000000013": "STOPPED"}


async def test_a_repeat_scan_says_when_it_shipped_and_ships_nothing_again(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="sscan")
    await _apply(pool, _issued("300000000006", 1))
    first, [shipped] = await _scan(pool, "300000000006")

    again, none = await _scan(pool, "300000000006")

    [row] = again.rows
    assert (row.code, row.shipped, none) == (ScanCode.ALREADY_SHIPPED, False, [])
    assert row.shipped_at == shipped.shipped_at == first.rows[0].shipped_at


async def test_another_sellers_number_is_answered_exactly_as_an_unknown_one(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="sscan")
    await _apply(pool, _issued("300000000006", 1, seller="s2"))

    with pytest.raises(ScanRejected) as theirs:
        await _scan(pool, "300000000006", seller="s1")
    with pytest.raises(ScanRejected) as nobodys:
        await _scan(pool, "300000000099", seller="s1")

    [their_row], [unknown_row] = theirs.value.report.rows, nobodys.value.report.rows
    assert their_row.code is unknown_row.code is ScanCode.UNKNOWN
    assert their_row.message == unknown_row.message
    assert str(theirs.value) == str(nobodys.value)
    assert await _statuses(pool) == {"300000000006": "READY"}
