"""A waybill database from before order uids named the seller is upgraded in place: cancelling
the last live order of an old waybill, by its new uid, voids it."""

import json
import uuid
from typing import Any

from packline_runtime.unit_of_work import unit_of_work
from packline_waybill.bootstrap import MIGRATIONS
from packline_waybill.service_layer import use_cases

NEWER = (
    "006_order_uids_include_seller.sql",
    "003_order_uids_include_seller.sql",
    "004_courier_accounts.sql",
    "005_parcels.sql",
    "006_delivery_tracking.sql",
)


async def test_an_old_waybill_is_voided_when_its_last_order_is_cancelled(new_schema: Any) -> None:
    pool, upgrade = await new_schema.before(MIGRATIONS, *NEWER, prefix="wayb")
    members = [
        {"order": "COUPANG:1", "cancelled": True},
        {"order": "COUPANG:2", "cancelled": False},
    ]
    bundle_id = uuid.uuid4()
    async with pool.acquire() as conn:
        await conn.execute(
            "INSERT INTO waybills (bundle_id, seller_id, courier_code, tracking_number, members, "
            "order_uids) VALUES ($1, 's1', 'HYUNDAI', '300000000001', $2, $3)",
            bundle_id,
            json.dumps(members),
            ["COUPANG:1", "COUPANG:2"],
        )
        await conn.execute("INSERT INTO cancelled_orders (order_uid) VALUES ('COUPANG:1')")

    await upgrade()

    async with unit_of_work(pool) as uow:
        await use_cases.cancel_orders(uow, ["s1:COUPANG:2"])
    row = await pool.fetchrow(
        "SELECT status, members, order_uids, parcel_id, method, issued_via, parcel_no FROM waybills"
    )
    assert row["status"] == "VOIDED"
    # an old waybill is its bundle's one parcel, numbered from the band
    assert (row["parcel_id"], row["method"], row["issued_via"]) == (bundle_id, "BAND", "BAND")
    assert row["parcel_no"] >= 1
    assert row["order_uids"] == ["s1:COUPANG:1", "s1:COUPANG:2"]
    assert json.loads(row["members"]) == [
        {"order": "s1:COUPANG:1", "cancelled": True},
        {"order": "s1:COUPANG:2", "cancelled": True},
    ]
    assert await pool.fetchval("SELECT order_uid FROM cancelled_orders ORDER BY 1 LIMIT 1") == (
        "s1:COUPANG:1"
    )
