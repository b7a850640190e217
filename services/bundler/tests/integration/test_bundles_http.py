"""합포 목록 (GET /bundles) over the real HTTP route, on PostgreSQL: the seller's bundles newest
first, a page at a time, filtered in SQL by status, by a search over the bundle id and its
orders' uids and by time; each with its orders, whether a person's 합포 put recipients together
and whether it can be unmerged; never a recipient's name, phone or address."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from packline_bundler.bootstrap import MIGRATIONS
from packline_bundler.service_layer import use_cases
from packline_contracts import OrderCancelled, OrderMatched
from packline_launcher.testing import collected, matched, recipient
from packline_launcher.testing_tokens import TestTokens
from packline_runtime.unit_of_work import unit_of_work
from services.bundler.tests.integration.serving import api, client_of, deliver


def _order(n: int, who: int, mobile: str = "1111", seller: str = "s1") -> OrderMatched:
    """Recipient `who` (one name, one door); another `mobile` makes a 확인필요 pair."""
    to = recipient(
        name=f"박서연{who}",
        mobile=f"010-{2000 + who}-{mobile}",
        address1=f"부산 해운대구 센텀로 {who + 1}",
    )
    return matched(collected(n, to=to, seller=seller), {"A": 1})


async def _seal(pool: Any, seller: str = "s1") -> None:
    async with unit_of_work(pool) as uow:
        await use_cases.seal(uow, seller_id=seller, now=True)


async def _all(client: httpx.AsyncClient, **params: Any) -> list[dict[str, Any]]:
    """Every bundle the list answers for these parameters, following `next_offset`."""
    found: list[dict[str, Any]] = []
    while True:
        response = await client.get("/bundles", params=params)
        assert response.status_code == 200, response.text[:300]
        page = response.json()
        found += page["items"]
        if page["next_offset"] is None:
            return found
        params["offset"] = page["next_offset"]


async def _bundle_of(pool: Any, order: OrderMatched) -> str:
    found = await pool.fetchval(
        "SELECT bundle_id FROM bundle_members WHERE order_uid = $1", order.order.uid
    )
    return str(found)


async def test_the_sellers_bundles_are_listed_filtered_and_paged(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="list")
    two = [_order(1, 1), _order(2, 1)]  # one recipient, one box
    one = _order(3, 2)
    pair = [_order(4, 3), _order(5, 3, "2222")]  # 확인필요: a person merges them
    await deliver(pool, *two, one, *pair)
    app = api(pool)
    async with (
        client_of(app, service_tokens, "s1") as own,
        client_of(app, service_tokens, "s2") as other,
    ):
        [review] = (await own.get("/reviews")).json()["items"]
        merged = await own.post(f"/reviews/{review['review_id']}/merge", json={"reason": "one"})
        assert merged.status_code == 200, merged.text
        await _seal(pool)
        await deliver(pool, _order(6, 4))  # opened after the others were sealed
        await deliver(pool, _order(1, 1, seller="s2"))
        await pool.execute(
            "UPDATE bundles SET opened_at = opened_at - interval '1 minute' WHERE status <> 'OPEN'"
        )

        rows = await _all(own)
        assert len(rows) == 5  # two, one, the merged pair, the pair's merged-away one, the open
        by_id = {r["bundle_id"]: r for r in rows}
        assert rows[0]["bundle_id"] == await _bundle_of(pool, _order(6, 4))  # newest first
        assert rows[0]["status"] == "OPEN" and rows[0]["sealed_at"] is None
        boxed = by_id[await _bundle_of(pool, two[0])]
        assert boxed["orders"] == [o.order.uid for o in two]  # by payment time
        assert (boxed["status"], boxed["revision"], boxed["left_orders"]) == ("SEALED", 1, [])
        assert boxed["can_unmerge"] and not boxed["merged_by_review"]
        assert boxed["sealed_at"] is not None and boxed["created_at"] <= boxed["sealed_at"]
        single = by_id[await _bundle_of(pool, one)]
        assert single["orders"] == [one.order.uid] and not single["can_unmerge"]
        both = by_id[await _bundle_of(pool, pair[0])]
        assert both["orders"] == [o.order.uid for o in pair]
        assert both["merged_by_review"] and both["can_unmerge"]
        [away] = [r for r in rows if r["status"] == "CANCELLED"]
        assert away["orders"] == [] and set(review["bundles"]) == {
            away["bundle_id"],
            both["bundle_id"],
        }
        for text in ("박서연", "010-2001", "해운대", "센텀로"):
            assert text not in (await own.get("/bundles")).text  # no recipient data

        async def ids(**params: Any) -> set[str]:
            return {r["bundle_id"] for r in await _all(own, **params)}

        sealed = {boxed["bundle_id"], single["bundle_id"], both["bundle_id"]}
        assert await ids(status="SEALED") == sealed
        assert await ids(status=["OPEN", "CANCELLED"]) == {rows[0]["bundle_id"], away["bundle_id"]}
        assert await ids(q=one.order.marketplace_order_id) == {single["bundle_id"]}
        assert await ids(q=pair[1].order.uid.lower()) == {both["bundle_id"]}
        assert await ids(q=boxed["bundle_id"][:13].upper()) == {boxed["bundle_id"]}
        terms = f"{one.order.marketplace_order_id}, {two[1].order.marketplace_order_id} ,"
        assert await ids(q=terms) == {single["bundle_id"], boxed["bundle_id"]}
        assert await ids(q=terms, status="SEALED", limit=1) == {
            single["bundle_id"],
            boxed["bundle_id"],
        }
        assert await ids(q="%") == set()  # `%` is no wildcard
        assert await ids(q="박서연1, 010-2001") == set()  # recipients are never searched
        assert await ids(q=str(uuid.uuid4())) == set()
        paged = await _all(own, limit=2)
        assert [r["bundle_id"] for r in paged] == [r["bundle_id"] for r in rows]

        # since: opened or sealed from then on
        await pool.execute(
            """
            UPDATE bundles SET opened_at = now() - interval '3 days',
                sealed_at = now() - interval '3 days' + interval '1 hour'
            WHERE bundle_id = $1
            """,
            uuid.UUID(single["bundle_id"]),
        )
        yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        assert single["bundle_id"] not in await ids(since=yesterday)
        assert len(await ids(since=yesterday)) == 4
        week = (datetime.now(UTC) - timedelta(days=7)).isoformat()
        assert single["bundle_id"] in await ids(since=week)

        # a cancelled order leaves the sealed box; what remains cannot be split
        gone = two[0]
        await deliver(
            pool,
            OrderCancelled(**gone.follow_up(), order=gone.order, recipient_key=gone.recipient_key),
        )
        revised = {r["bundle_id"]: r for r in await _all(own)}[boxed["bundle_id"]]
        assert revised["orders"] == [two[1].order.uid]
        assert revised["left_orders"] == [gone.order.uid]
        assert (revised["revision"], revised["can_unmerge"]) == (2, False)

        # found, then unmerged: the split-off order has a sealed box of its own
        [target] = await _all(own, q=pair[1].order.marketplace_order_id, status="SEALED")
        split = await own.post(
            f"/bundles/{target['bundle_id']}/unmerge",
            json={"orders": target["orders"][1:], "reason": "two doors after all"},
        )
        assert split.status_code == 200, split.text
        [new] = await _all(own, q=pair[1].order.uid)
        assert new["bundle_id"] == split.json()["new_bundle_id"]
        assert (new["status"], new["orders"], new["can_unmerge"]) == (
            "SEALED",
            [pair[1].order.uid],
            False,
        )

        # another seller sees only its own, and never finds the first seller's
        [their] = await _all(other)
        assert their["orders"] == ["s2:COUPANG:" + two[0].order.marketplace_order_id]
        assert await _all(other, q=boxed["bundle_id"]) == []
        assert await _all(other, q="s1:") == []
        assert (await other.get("/bundles", params={"seller_id": "s1"})).status_code == 404
        for bad in ({"status": "DONE"}, {"limit": 0}, {"limit": 1001}, {"offset": -1}):
            response = await own.get("/bundles", params=bad)
            assert response.status_code == 422, (bad, response.text[:300])
