"""The console's search box on /waybills and /tracking, filtering in SQL, and /flow (numbers
issued since a moment, the oldest parcel awaiting its number), over HTTP on real PostgreSQL."""

from datetime import UTC, datetime, timedelta
from typing import Any

from packline_contracts import Shipped, ShippedOrder, SkuLine, StockAllocated, WaybillIssued
from packline_launcher.testing import bundle, collected, matched, recipient
from packline_runtime import flow
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from packline_waybill.entrypoints import subscriber
from packline_waybill.service_layer.tracking import TrackingPolicy

from .conftest import SELLER, Waybills, allocated

OTHER = "s2"


def order_id(n: int, i: int = 0) -> str:
    """The marketplace order id of order i of `allocated(n)` (packline_launcher.testing)."""
    return str(500000000000000000 + n * 10 + i)


def allocated_for(seller: str, n: int) -> StockAllocated:
    who = recipient(f"박서{n:03d}", f"010-2000-{n:04d}", postcode="06236")
    box = bundle(matched(collected(n * 10, seller=seller, to=who), {"A": 1}))
    return StockAllocated(
        **box.follow_up(),
        bundle_id=box.bundle_id,
        recipient=box.recipient,
        members=box.members,
        allocated=(SkuLine(sku="A", quantity=1),),
    )


async def _list(
    waybills: Waybills, path: str, seller: str = SELLER, **params: Any
) -> list[dict[str, Any]]:
    answer = await waybills.http.get(path, params=params, headers=waybills.person(seller))
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


async def _ship(waybills: Waybills, issued: WaybillIssued, at: datetime) -> None:
    event = Shipped(
        **issued.follow_up(),
        bundle_id=issued.bundle_id,
        parcel_id=issued.parcel_id,
        courier_code=issued.courier_code,
        tracking_number=issued.tracking_number,
        shipped_at=at,
        orders=tuple(
            ShippedOrder(order=m.order, line_ids=tuple(li.line_id for li in m.lines))
            for m in issued.members
        ),
        stock_out=(SkuLine(sku="A", quantity=1),),
    )
    handle = subscriber.subscription(waybills.numbering, TrackingPolicy()).handle
    async with unit_of_work(waybills.pool) as uow:
        await handle(uow, [event])


async def test_searching_waybills_by_number_parcel_reference_and_order_id(
    waybills: Waybills,
) -> None:
    one, two, three = await waybills.allocate(allocated(1), allocated(2), allocated(3, orders=2))
    [theirs] = await waybills.allocate(allocated_for(OTHER, 4))
    listed = {p["parcel_id"]: p for p in await _list(waybills, "/waybills")}
    assert len(listed) == 3

    async def found(q: str, seller: str = SELLER, **params: Any) -> set[str]:
        return {p["tracking_number"] for p in await _list(waybills, "/waybills", seller, q=q)}

    assert await found(two.tracking_number) == {two.tracking_number}
    assert await found(two.tracking_number[-4:]) == {two.tracking_number}  # contained
    assert await found(order_id(3, 1)) == {three.tracking_number}  # its second order
    assert len(await found(order_id(2)[:12])) == 3  # contained in each of the order ids
    assert await found(str(one.parcel_id)[:8].upper()) == {one.tracking_number}
    reference = listed[str(two.parcel_id)]["reference"]
    assert await found(reference.lower()) == {two.tracking_number}
    assert await found(f"{one.tracking_number}, ,{order_id(3)}") == {
        one.tracking_number,
        three.tracking_number,
    }
    prefix = one.tracking_number[:6]
    assert len(await found(prefix)) == 3
    assert await found(prefix + "%") == set()  # % is a character here, not a wildcard
    assert await found(prefix[:3] + "_") == set()  # and so is _
    assert await found("김민") == set()  # recipients are not searched
    assert await found("COUPANG") == set()  # the order id, not the marketplace
    assert await found(SELLER) == set()  # nor the seller id an order's uid starts with
    assert await found(theirs.tracking_number) == set()  # another seller's: never found
    assert await found(order_id(4)) == set()
    assert await found(theirs.tracking_number, OTHER) == {theirs.tracking_number}
    naming = await waybills.http.get(
        "/waybills",
        params={"seller_id": SELLER, "q": one.tracking_number},
        headers=waybills.person(OTHER),
    )
    assert naming.status_code == 404


async def test_awaiting_parcels_are_searched_by_order_id_and_listed_since(
    waybills: Waybills,
) -> None:
    account = await waybills.account(courier_code="CJGLS", method="FILE")
    await waybills.make_default(account)
    assert await waybills.allocate(allocated(5), allocated(6), allocated(7)) == []
    rows = await _list(waybills, "/waybills", status="AWAITING")
    by_order = {r["parcel_id"]: r for r in rows}
    assert len(by_order) == 3
    [six] = await _list(waybills, "/waybills", status="AWAITING", q=order_id(6))
    assert six["tracking_number"] is None and six["status"] == "AWAITING"
    assert await _list(waybills, "/waybills", q=order_id(6)) == []  # ISSUED: none

    old = datetime(2026, 1, 1, tzinfo=UTC)
    await waybills.pool.execute(
        "UPDATE waybills SET created_at = $1 WHERE parcel_id = $2::uuid", old, six["parcel_id"]
    )
    since = (old + timedelta(days=1)).isoformat()
    recent = await _list(waybills, "/waybills", status="AWAITING", since=since)
    assert len(recent) == 2 and six["parcel_id"] not in {r["parcel_id"] for r in recent}
    first = await waybills.http.get(
        "/waybills", params={"status": "AWAITING", "q": f"{order_id(5)},{order_id(7)}", "limit": 1}
    )
    assert len(first.json()["items"]) == 1 and first.json()["next_offset"] == 1


async def test_searching_tracking_by_number_and_since(waybills: Waybills) -> None:
    one, two = await waybills.allocate(allocated(1), allocated(2))
    [theirs] = await waybills.allocate(allocated_for(OTHER, 3))
    early, late = datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 20, tzinfo=UTC)
    await _ship(waybills, one, early)
    await _ship(waybills, two, late)
    await _ship(waybills, theirs, late)

    async def numbers(seller: str = SELLER, **params: Any) -> list[str]:
        return [p["tracking_number"] for p in await _list(waybills, "/tracking", seller, **params)]

    assert await numbers() == [two.tracking_number, one.tracking_number]
    assert await numbers(q=one.tracking_number[-5:]) == [one.tracking_number]
    assert await numbers(q=f"{one.tracking_number},{two.tracking_number}") == [
        two.tracking_number,
        one.tracking_number,
    ]
    assert await numbers(q="%") == []
    assert await numbers(q=theirs.tracking_number) == []
    assert await numbers(OTHER, q=theirs.tracking_number) == [theirs.tracking_number]
    assert await numbers(since=(early + timedelta(days=1)).isoformat()) == [two.tracking_number]


async def test_flow_counts_numbers_issued_and_the_oldest_parcel_awaiting_one(
    waybills: Waybills,
) -> None:
    async def flow_of(seller: str = SELLER, role: Role = Role.OWNER, **params: Any) -> Any:
        answer = await waybills.http.get(
            "/flow", params=params, headers=waybills.person(seller, role)
        )
        assert answer.status_code == 200, answer.text
        return answer.json()

    empty = await flow_of(role=Role.VIEWER)
    assert datetime.fromisoformat(empty.pop("since")) == flow.start_of(None)
    assert empty == {"done": {"issued": 0}, "oldest": {"awaiting": None}}

    await waybills.allocate(allocated(1), allocated(2))  # the service band: issued at once
    await waybills.allocate(allocated_for(OTHER, 3))
    mine = await flow_of()
    assert (mine["done"], mine["oldest"]) == ({"issued": 2}, {"awaiting": None})

    account = await waybills.account(courier_code="CJGLS", method="FILE")
    await waybills.make_default(account)
    assert await waybills.allocate(allocated(4), allocated(5)) == []  # awaiting a courier file
    made = datetime(2025, 6, 1, 9, 30, tzinfo=UTC)
    await waybills.pool.execute(
        "UPDATE waybills SET created_at = $1 WHERE status = 'AWAITING' AND $2 = ANY(order_uids)",
        made,
        f"{SELLER}:COUPANG:{order_id(5)}",
    )
    mine = await flow_of()
    assert mine["done"] == {"issued": 2}
    assert datetime.fromisoformat(mine["oldest"]["awaiting"]) == made
    other = await flow_of(OTHER)
    assert other["done"] == {"issued": 1} and other["oldest"] == {"awaiting": None}
    sre = await flow_of("-", Role.SRE)
    assert sre["done"] == {"issued": 3}
    assert datetime.fromisoformat(sre["oldest"]["awaiting"]) == made

    later = datetime.now(UTC) + timedelta(minutes=5)
    assert (await flow_of(since=later.isoformat()))["done"] == {"issued": 0}
    yesterday = await flow_of(since=(datetime.now(UTC) - timedelta(days=1)).isoformat())
    assert yesterday["done"] == {"issued": 2}
    # a number issued yesterday is not today's
    await waybills.pool.execute(
        "UPDATE waybills SET issued_at = now() - interval '2 days' "
        "WHERE seller_id = $1 AND status = 'ISSUED' AND $2 = ANY(order_uids)",
        SELLER,
        f"{SELLER}:COUPANG:{order_id(1)}",
    )
    assert (await flow_of())["done"] == {"issued": 1}
    assert (await waybills.http.get("/flow", headers={"authorization": ""})).status_code == 401
