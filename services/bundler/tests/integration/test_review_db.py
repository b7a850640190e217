"""확인필요 reviews, exclusions and settings against real PostgreSQL."""

from datetime import timedelta
from typing import Any

from packline_bundler.bootstrap import MIGRATIONS
from packline_bundler.domain.sealing import SealSettings, parse_cutoffs
from packline_bundler.service_layer import use_cases
from packline_contracts import BundleFormed, OrderMatched
from packline_launcher.testing import collected, matched, recipient
from packline_runtime import decisions
from packline_runtime.unit_of_work import unit_of_work

HOLD = timedelta(seconds=60)


def _order(n: int, mobile: str = "010-1234-5678", **kw: Any) -> OrderMatched:
    return matched(collected(n, to=recipient(mobile=mobile)), kw or {"A": 1})


async def _deliver(pool: Any, *orders: OrderMatched) -> None:
    async with unit_of_work(pool) as uow:
        await use_cases.handle_events(uow, orders, HOLD)


async def _seal(pool: Any) -> list[BundleFormed]:
    async with unit_of_work(pool) as uow:
        await use_cases.seal(uow, now=True)
        return [e for e in uow.emitted if isinstance(e, BundleFormed)]


async def test_same_name_and_address_with_other_phones_waits_for_a_person(
    new_schema: Any,
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="review")
    await _deliver(pool, _order(1), _order(2, mobile="010-9999-0000"))
    review = await pool.fetchrow("SELECT * FROM reviews")
    assert review["status"] == "PENDING"
    assert {f["field"]: f["agreement"] for f in __import__("json").loads(review["fields"])} == {
        "name": "EQUAL",
        "address": "EQUAL",
        "phone": "EMPTY",
        "mobile": "DIFFERENT",
    }
    assert await _seal(pool) == []  # even the button leaves them for the 확인필요 tab


def _to(n: int, address1: str, address2: str, **kw: Any) -> OrderMatched:
    """Order n to 김민준 with the same mobile as every other order here."""
    to = recipient(address1=address1, address2=address2, **kw)
    return matched(collected(n, to=to), {"A": 1})


async def test_same_name_and_mobile_at_plainly_another_door_ships_apart_without_review(
    new_schema: Any,
) -> None:
    """Issue 12: sharing name and mobile no longer asks a person when the addresses are
    another 동, 호, floor, building number or district: each goes to its own box."""
    pool = await new_schema(MIGRATIONS, prefix="review")
    home = ("서울 강남구 테헤란로 152", "101동 1203호")
    await _deliver(
        pool,
        _to(1, *home),
        _to(2, "서울 강남구 테헤란로 152", "102동 1203호"),
        _to(3, "서울 강남구 테헤란로 152", "101동 1503호"),
        _to(4, "서울 강남구 테헤란로 154", "101동 1203호"),
        _to(5, "부산 해운대구 센텀중앙로 79", "101동 1203호"),
    )
    assert await pool.fetchval("SELECT count(*) FROM reviews") == 0
    boxes = await _seal(pool)
    assert sorted(len(b.members) for b in boxes) == [1, 1, 1, 1, 1]


async def test_one_place_written_two_ways_still_waits_for_a_person(new_schema: Any) -> None:
    """Road-name against lot-number form of one building, nothing to tell them apart."""
    pool = await new_schema(MIGRATIONS, prefix="review")
    await _deliver(
        pool,
        _to(1, "서울 강남구 테헤란로 152", "1203호"),
        _to(2, "서울 강남구 역삼동 737", "1203호"),
    )
    review = await pool.fetchrow("SELECT * FROM reviews")
    assert review is not None and review["status"] == "PENDING"
    fields = {f["field"]: f for f in __import__("json").loads(review["fields"])}
    assert fields["address"]["agreement"] == "UNCERTAIN"
    assert fields["address"]["why"] == "road-name and lot-number forms"
    assert await _seal(pool) == []


async def test_building_management_numbers_decide_when_both_orders_carry_one(
    new_schema: Any,
) -> None:
    """Naver's buildingManagementNo: one number and one unit is one building written two ways
    (a person confirms it, the keys differ); another number is another box, nobody asked."""
    pool = await new_schema(MIGRATIONS, prefix="review")
    one, other, third = (
        "1168010100107370000000001",
        "1171010200100170006000001",
        "1171010200100170006000002",
    )
    await _deliver(
        pool,
        _to(1, "서울 강남구 테헤란로 152", "1203호", building_management_no=one),
        _to(2, "서울 강남구 역삼동 737", "1203호", building_management_no=one),
        _to(3, "서울 송파구 올림픽로 435", "", building_management_no=other),
        _to(4, "서울 송파구 신천동 17-6", "", building_management_no=third),
    )
    reviews = await pool.fetch("SELECT * FROM reviews")
    assert len(reviews) == 1
    fields = {f["field"]: f for f in __import__("json").loads(reviews[0]["fields"])}
    assert fields["address"]["why"] == "one place written two ways"
    assert sorted([reviews[0]["order_a"], reviews[0]["order_b"]]) == [
        f"s1:COUPANG:{500000000000000000 + n}" for n in (1, 2)
    ]


async def test_merging_makes_one_box_and_later_orders_of_the_pair_follow(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="review")
    await _deliver(pool, _order(1), _order(2, mobile="010-9999-0000"))
    review_id = await pool.fetchval("SELECT review_id FROM reviews")
    async with unit_of_work(pool) as uow:
        await use_cases.decide(uow, "s1", review_id, True, "park", "same family, one door")
    await _deliver(pool, _order(3, mobile="010-9999-0000"), _order(4))
    [box] = await _seal(pool)
    assert sorted(m.order.marketplace_order_id for m in box.members) == [
        str(500000000000000000 + n) for n in (1, 2, 3, 4)
    ]
    assert box.separate_invoices  # Coupang boxes whose recipients' phones differ
    assert await pool.fetchval("SELECT count(*) FROM reviews WHERE status = 'PENDING'") == 0
    async with pool.acquire() as conn:
        [decision] = await decisions.recent(conn, "s1", "MERGE", 10)
    assert (decision["decided_by"], decision["reason"]) == ("park", "same family, one door")


async def test_keeping_apart_is_remembered_for_the_pair(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="review")
    await _deliver(pool, _order(1), _order(2, mobile="010-9999-0000"))
    review_id = await pool.fetchval("SELECT review_id FROM reviews")
    async with unit_of_work(pool) as uow:
        await use_cases.decide(uow, "s1", review_id, False, "park", "two people")
    assert len(await _seal(pool)) == 2
    await _deliver(pool, _order(3), _order(4, mobile="010-9999-0000"))
    assert await pool.fetchval("SELECT count(*) FROM reviews") == 1
    assert len(await _seal(pool)) == 2


async def test_an_excluded_sku_ships_in_a_box_of_its_own(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="review")
    async with unit_of_work(pool) as uow:
        await use_cases.exclusion(uow, "s1", "SKU", "ICE", True, "kim", "frozen goods")
    await _deliver(pool, _order(1), _order(2, ICE=1), _order(3))
    boxes = await _seal(pool)
    assert sorted(len(b.members) for b in boxes) == [1, 2]
    assert await pool.fetchval("SELECT count(*) FROM reviews") == 0


async def test_cutoff_settings_reschedule_open_bundles_and_are_recorded(new_schema: Any) -> None:
    pool = await new_schema(MIGRATIONS, prefix="review")
    await _deliver(pool, _order(1))
    rule = SealSettings("CUTOFF", cutoffs=parse_cutoffs("10:00,14:00"))
    async with unit_of_work(pool) as uow:
        assert await use_cases.sealing(uow, "s1", rule, HOLD, "kim", "two pickups a day") == 1
    local = await pool.fetchval(
        "SELECT to_char(seal_after AT TIME ZONE 'Asia/Seoul', 'HH24:MI') FROM bundles"
    )
    assert local in ("10:00", "14:00")
    async with unit_of_work(pool) as uow:
        await use_cases.sealing(uow, "s1", SealSettings("MANUAL"), HOLD, "kim", "by hand")
        assert await use_cases.seal(uow) == 0
    assert await pool.fetchval("SELECT seal_after FROM bundles") is None
    assert await pool.fetchval("SELECT count(*) FROM decisions WHERE action = 'SETTINGS'") == 2
