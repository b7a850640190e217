"""배송지 변경 at the shipping line against real PostgreSQL: a READY parcel is held and its scan
refused; the bundle's new number voids the old parcel and is the only one that ships; a change
before the waybill holds the old label at once; a shipped parcel is left as it is."""

from typing import Any

import pytest

from packline_contracts import Shipped, WaybillIssued
from packline_launcher.testing import bundle, collected, matched, recipient, recipient_changed
from packline_runtime.unit_of_work import unit_of_work
from packline_shipper.bootstrap import MIGRATIONS
from packline_shipper.domain.scan import ScanCode, ScanRejected, rows_of
from packline_shipper.service_layer import scanning, use_cases

MOVED = recipient("이서연", "010-9999-0000", address1="부산 해운대구 해운대로 9")


def _issued(number: str, like: WaybillIssued | None = None, **kw: Any) -> WaybillIssued:
    if like is not None:
        return like.model_copy(update={"tracking_number": number, **kw})
    box = bundle(matched(collected(1), {"A": 1}))
    return WaybillIssued(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        courier_code="CJGLS",
        tracking_number=number,
        recipient=box.recipient,
        members=box.members,
    )


async def _apply(pool: Any, *events: Any) -> None:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, events)


async def _scan(pool: Any, *numbers: str) -> list[Shipped]:
    async with unit_of_work(pool) as uow:
        await scanning.scan(uow, "s1", rows_of(numbers), "line-1")
        return [e for e in uow.emitted if isinstance(e, Shipped)]


async def _statuses(pool: Any) -> dict[str, str]:
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT tracking_number, status FROM parcels")
    return {r["tracking_number"]: r["status"] for r in rows}


def _change(issued: WaybillIssued) -> Any:
    order = collected(1)  # the order of every parcel _issued builds
    assert issued.members[0].order == order.order
    return recipient_changed(order, MOVED)


async def test_a_held_parcel_is_refused_then_replaced_and_only_the_new_label_ships_once(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="srl")
    old = _issued("300000000006")
    await _apply(pool, old)
    await _apply(pool, _change(old))
    assert await _statuses(pool) == {"300000000006": "RELABEL"}
    with pytest.raises(ScanRejected) as refused:
        await _scan(pool, "300000000006", "300000000013")  # all or nothing: unknown too
    assert [r.code for r in refused.value.report.rows] == [ScanCode.RELABEL, ScanCode.UNKNOWN]
    new = _issued("300000000013", like=old, recipient=MOVED)
    await _apply(pool, new)
    assert await _statuses(pool) == {"300000000006": "VOIDED", "300000000013": "READY"}
    with pytest.raises(ScanRejected) as voided:
        await _scan(pool, "300000000006")
    [row] = voided.value.report.rows
    assert (row.code, row.replaced_by) == (ScanCode.REPLACED, "300000000013")
    shipped = await _scan(pool, "300000000013")
    assert [e.bundle_id for e in shipped] == [old.bundle_id]
    assert await _scan(pool, "300000000013") == []  # a re-scan ships nothing again
    late = _issued("300000000020", like=old, recipient=MOVED)
    await _apply(pool, late)  # a number after shipping is void at birth
    assert (await _statuses(pool))["300000000020"] == "VOIDED"
    with pytest.raises(ScanRejected):
        await _scan(pool, "300000000020")


async def test_a_waybill_arriving_after_the_change_with_the_old_address_is_held(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="srl")
    old = _issued("300000000006")
    await _apply(pool, _change(old))
    await _apply(pool, old)
    assert await _statuses(pool) == {"300000000006": "RELABEL"}
    await _apply(pool, _issued("300000000013", like=old, recipient=MOVED))
    assert await _statuses(pool) == {"300000000006": "VOIDED", "300000000013": "READY"}


async def test_a_shipped_parcel_is_left_as_it_is(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="srl")
    old = _issued("300000000006")
    await _apply(pool, old)
    await _scan(pool, "300000000006")
    await _apply(pool, _change(old))
    assert await _statuses(pool) == {"300000000006": "SHIPPED"}
