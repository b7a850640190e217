"""A shipper database from before order uids named the seller is upgraded in place: parcels,
their members, cancellation tombstones and recipient changes are found by the new uids."""

import json
import uuid
from typing import Any

from packline_runtime import tombstones
from packline_shipper.adapters import repository
from packline_shipper.bootstrap import MIGRATIONS

NEWER = (
    "006_order_uids_include_seller.sql",
    "003_order_uids_include_seller.sql",
    "004_parcels_of_a_bundle.sql",
)


def _old_member(order_id: str) -> dict[str, Any]:
    return {
        "uid": f"NAVER:{order_id}",
        "order": {"marketplace": "NAVER", "marketplace_order_id": order_id},
        "line_ids": ["1"],
        "matched_lines": [{"line_id": "1", "skus": [{"sku": "A", "quantity": 1}]}],
        "cancelled": order_id == "2",
    }


async def test_an_old_parcel_and_its_tombstones_are_found_by_the_new_uids(
    new_schema: Any,
) -> None:
    pool, upgrade = await new_schema.before(MIGRATIONS, *NEWER, prefix="ship")
    bundle_id = uuid.uuid4()
    async with pool.acquire() as conn:
        await conn.execute(
            """
            INSERT INTO parcels (tracking_number, bundle_id, courier_code, seller_id,
                                 correlation_id, causation_id, members, order_uids)
            VALUES ('300000000001', $1, 'HYUNDAI', 's1', $1, $1, $2, ARRAY['NAVER:1', 'NAVER:2'])
            """,
            bundle_id,
            json.dumps([_old_member("1"), _old_member("2")]),
        )
        await conn.execute("INSERT INTO cancelled_orders (order_uid) VALUES ('NAVER:2')")
        await conn.execute(
            "INSERT INTO recipient_changes (order_uid, event, changed_at) "
            """VALUES ('NAVER:1', '{"seller_id": "s1"}', now())"""
        )

    assert await upgrade() == [
        "runtime/006_order_uids_include_seller.sql",
        "service/003_order_uids_include_seller.sql",
        "service/004_parcels_of_a_bundle.sql",
    ]

    async with pool.acquire() as conn:
        [parcel] = await repository.lock_holding(conn, ["s1:NAVER:1"])
        assert await tombstones.cancelled_among(conn, ["s1:NAVER:2"]) == {"s1:NAVER:2"}
        changed = await conn.fetchval("SELECT order_uid FROM recipient_changes")
    assert [(m.order.uid, m.cancelled) for m in parcel.members] == [
        ("s1:NAVER:1", False),
        ("s1:NAVER:2", True),
    ]
    assert changed == "s1:NAVER:1"
    assert parcel.parcel_id == parcel.bundle_id == bundle_id  # an old parcel is its bundle
