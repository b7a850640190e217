"""부분취소 at the shipping line: a READY parcel holding a partly cancelled order answers
INCOMPLETE (label must be reprinted) until a person confirms the repack; it then ships the
units left. A partial cancel of a parcel already shipped is too late (a return)."""

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
from packline_runtime.unit_of_work import unit_of_work
from packline_shipper.bootstrap import MIGRATIONS
from packline_shipper.domain.scan import ScanCode, ScanRejected, rows_of
from packline_shipper.service_layer import scanning, use_cases

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


@pytest.mark.parametrize("first", ["waybill", "cancel"])
async def test_a_partly_cancelled_parcel_is_incomplete_until_confirmed_then_ships_the_rest(
    new_schema: Any, first: str
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="spart")
    events = [_issued(), _partial(1)] if first == "waybill" else [_partial(1), _issued()]
    for event in events:
        assert await _apply(pool, event) == []  # no decision: the rest of the order goes on
    await _apply(pool, _partial(2))

    with pytest.raises(ScanRejected) as refused:
        await _scan(pool)
    [row] = refused.value.report.rows
    assert row.code is ScanCode.INCOMPLETE and "라벨 재출력" in row.message

    [shipped] = await _scan(pool, confirm_incomplete=True)
    assert [o.order for o in shipped.orders] == [ORDER.order]
    assert shipped.stock_out == (SkuLine(sku="C", quantity=1),)  # all 3 of line 1 cancelled


async def test_a_partial_cancel_after_the_scan_is_too_late(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="spart")
    await _apply(pool, _issued())
    [shipped] = await _scan(pool)
    assert shipped.stock_out == (SkuLine(sku="A", quantity=3), SkuLine(sku="C", quantity=1))

    [decided] = await _apply(pool, _partial(1))
    assert isinstance(decided, CancellationDecided) and decided.outcome == "TOO_LATE"
    assert decided.tracking_number == NUMBER
