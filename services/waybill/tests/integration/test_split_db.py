"""미할당주문나누기 reaching the waybill service: the part of a bundle shipped first and, after a
restock, its backorder (a bundle id the service never saw, StockAllocated v5 naming
`split_from`) each get their own parcel, number and WaybillIssued, with their own orders."""

import uuid

from packline_contracts import StockAllocated

from .conftest import Waybills, allocated


async def test_the_shipped_part_and_its_backorder_get_a_parcel_each(waybills: Waybills) -> None:
    whole = allocated(1, orders=3)
    backorder = whole.model_copy(update={"bundle_id": uuid.uuid4()})
    first = whole.model_copy(
        update={"members": whole.members[:2], "backorder_id": backorder.bundle_id}
    )
    later = StockAllocated.model_validate(
        {
            **backorder.model_dump(),
            "members": backorder.members[2:],
            "split_from": whole.bundle_id,
            "event_id": uuid.uuid4(),
        }
    )

    [one] = await waybills.allocate(first)
    assert (one.bundle_id, [m.order.uid for m in one.members]) == (
        whole.bundle_id,
        [m.order.uid for m in whole.members[:2]],
    )
    [two] = await waybills.allocate(later)
    assert (two.bundle_id, [m.order.uid for m in two.members]) == (
        later.bundle_id,
        [whole.members[2].order.uid],
    )
    assert two.tracking_number != one.tracking_number
    assert await waybills.allocate(later) == []  # a replay numbers nothing again
    rows = await waybills.pool.fetch("SELECT bundle_id FROM waybills")
    assert sorted(r["bundle_id"] for r in rows) == sorted([whole.bundle_id, later.bundle_id])
