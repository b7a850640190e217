"""The bundler's 확인필요 search and /flow over the real HTTP routes, on PostgreSQL: reviews are
found by their orders' uids in SQL before paging (never by a recipient), keeping the status
filter; /flow counts bundles sealed and the orders in them since a moment, and tells when the
oldest order waiting in an open bundle joined it and when the oldest pending review was raised,
per seller or across sellers for sre."""

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from packline_bundler.bootstrap import MIGRATIONS
from packline_bundler.service_layer import use_cases
from packline_contracts import OrderCancelled, OrderMatched
from packline_launcher.testing import collected, matched, recipient
from packline_launcher.testing_tokens import TestTokens
from packline_runtime import flow
from packline_runtime.tokens import Role
from packline_runtime.unit_of_work import unit_of_work
from services.bundler.tests.integration.serving import api, client_of, deliver

NOTHING_DONE = {"bundled_orders": 0, "sealed_bundles": 0}


def _order(n: int, who: int, mobile: str = "1111", seller: str = "s1") -> OrderMatched:
    """Recipient `who` (one name, one door); another `mobile` makes a 확인필요 pair."""
    to = recipient(
        name=f"김민준{who}",
        mobile=f"010-{1000 + who}-{mobile}",
        address1=f"서울 강남구 테헤란로 {who + 1}",
    )
    return matched(collected(n, to=to, seller=seller), {"A": 1})


async def _seal(pool: Any, seller: str) -> None:
    async with unit_of_work(pool) as uow:
        await use_cases.seal(uow, seller_id=seller, now=True)


async def _reviews(client: httpx.AsyncClient, **params: Any) -> list[list[str]]:
    """The order uids of each review found (side a is the pair's first recipient, so sorted
    here), following the pages."""
    found: list[list[str]] = []
    while True:
        response = await client.get("/reviews", params=params)
        assert response.status_code == 200, response.text[:300]
        page = response.json()
        found += [sorted([r["a"]["order"], r["b"]["order"]]) for r in page["items"]]
        if page["next"] is None:
            return found
        params["cursor"] = page["next"]


def _uids(*orders: OrderMatched) -> list[str]:
    return sorted(o.order.uid for o in orders)


async def test_reviews_are_found_by_their_orders_never_by_recipients(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="search")
    pairs = [(_order(10 * n + 1, n), _order(10 * n + 2, n, "2222")) for n in range(4)]
    theirs = (_order(11, 1, seller="s2"), _order(12, 1, "2222", seller="s2"))
    await deliver(pool, *(o for pair in pairs for o in pair), *theirs)
    await pool.execute(
        "UPDATE reviews SET created_at = now() - interval '2 days' WHERE order_a = $1",
        pairs[3][0].order.uid,
    )
    app = api(pool)
    async with (
        client_of(app, service_tokens, "s1") as own,
        client_of(app, service_tokens, "s2") as other,
    ):
        assert len(await _reviews(own)) == 4
        number = pairs[1][1].order.marketplace_order_id
        assert await _reviews(own, q=number) == [_uids(*pairs[1])]  # either side's order
        assert await _reviews(own, q=pairs[2][0].order.uid.lower()) == [_uids(*pairs[2])]
        both = f" {pairs[0][0].order.marketplace_order_id} , {pairs[2][1].order.uid},"
        two = sorted([_uids(*pairs[0]), _uids(*pairs[2])])  # in review id order
        assert sorted(await _reviews(own, q=both)) == two
        assert sorted(await _reviews(own, q=both, limit=1)) == two  # a page each
        assert await _reviews(own, q="5000%") == []  # `%` is no wildcard
        assert await _reviews(own, q="김민준1, 010-1001, 강남구") == []  # recipients: never
        yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
        assert len(await _reviews(own, since=yesterday)) == 3
        assert await _reviews(own, since=yesterday, q=number) == [_uids(*pairs[1])]
        # the status filter stays: a decided review is found among the decided ones only
        [first] = (await own.get("/reviews", params={"q": number})).json()["items"]
        merged = await own.post(f"/reviews/{first['review_id']}/merge", json={"reason": "one"})
        assert merged.status_code == 200, merged.text
        assert await _reviews(own, q=number) == []
        assert await _reviews(own, q=number, status="MERGED") == [_uids(*pairs[1])]
        # another seller's orders with the same marketplace numbers are theirs alone
        assert await _reviews(other, q=number) == [_uids(*theirs)]
        assert await _reviews(other, q=f"{pairs[0][0].order.uid},{pairs[2][1].order.uid}") == []
        assert await _reviews(other, q="s1:") == []
        assert (await other.get("/reviews", params={"seller_id": "s1"})).status_code == 404


async def _flow(client: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await client.get("/flow", params=params)
    assert response.status_code == 200, response.text[:300]
    answer: dict[str, Any] = response.json()
    return answer


def _oldest(answer: dict[str, Any]) -> dict[str, datetime | None]:
    return {k: datetime.fromisoformat(v) if v else None for k, v in answer["oldest"].items()}


async def test_flow_counts_sealing_and_finds_the_oldest_waiting(
    new_schema: Any, service_tokens: TestTokens
) -> None:
    pool = await new_schema(MIGRATIONS, prefix="flow")
    app = api(pool)
    two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
    five_hours_ago = datetime.now(UTC) - timedelta(hours=5)
    three_days_ago = datetime.now(UTC) - timedelta(days=3)
    async with (
        client_of(app, service_tokens, "s1") as own,
        client_of(app, service_tokens, "s2") as other,
        client_of(app, service_tokens, "s1", Role.SRE) as sre,
    ):
        empty = await _flow(own)
        assert empty["done"] == NOTHING_DONE
        assert empty["oldest"] == {"open": None, "review": None}
        assert datetime.fromisoformat(empty["since"]) == flow.start_of(None)

        boxed = [_order(1, 1), _order(2, 1), _order(3, 2)]  # two recipients: two boxes
        pair = [_order(4, 3), _order(5, 3, "2222")]  # a 확인필요 pair holds its bundles open
        await deliver(pool, *boxed, *pair)
        await pool.execute(
            "UPDATE bundle_members SET joined_at = $1 WHERE order_uid = $2",
            two_hours_ago,
            pair[1].order.uid,
        )
        await pool.execute("UPDATE reviews SET created_at = $1", five_hours_ago)
        waiting = await _flow(own)
        assert waiting["done"] == NOTHING_DONE
        assert _oldest(waiting) == {"open": two_hours_ago, "review": five_hours_ago}

        await _seal(pool, "s1")
        sealed = await _flow(own)
        assert sealed["done"] == {"bundled_orders": 3, "sealed_bundles": 2}
        assert _oldest(sealed) == {"open": two_hours_ago, "review": five_hours_ago}
        # a cancelled order leaves its sealed box: it is no longer counted in it
        gone = boxed[0]
        cancel = OrderCancelled(
            **gone.follow_up(), order=gone.order, recipient_key=gone.recipient_key
        )
        await deliver(pool, cancel)
        assert (await _flow(own))["done"] == {"bundled_orders": 2, "sealed_bundles": 2}
        # a box sealed days ago is not today's, but is this week's
        await pool.execute(
            """
            UPDATE bundles SET sealed_at = $1 WHERE bundle_id =
                (SELECT bundle_id FROM bundle_members WHERE order_uid = $2)
            """,
            three_days_ago,
            boxed[2].order.uid,
        )
        assert (await _flow(own))["done"] == {"bundled_orders": 1, "sealed_bundles": 1}
        week = await _flow(own, since=(datetime.now(UTC) - timedelta(days=7)).isoformat())
        assert week["done"] == {"bundled_orders": 2, "sealed_bundles": 2}
        assert (await _flow(own, since="2099-01-01T00:00:00+09:00"))["done"] == NOTHING_DONE

        # another seller: its own counts; sre adds them up and sees the oldest of all
        await deliver(pool, _order(1, 1, seller="s2"), _order(9, 9, seller="s2"))
        await _seal(pool, "s2")
        await deliver(pool, _order(8, 8, seller="s2"))
        await pool.execute(
            "UPDATE bundle_members SET joined_at = $1 WHERE bundle_id IN "
            "(SELECT bundle_id FROM bundles WHERE seller_id = 's2' AND status = 'OPEN')",
            three_days_ago,
        )
        theirs = await _flow(other)
        assert theirs["done"] == {"bundled_orders": 2, "sealed_bundles": 2}
        assert _oldest(theirs) == {"open": three_days_ago, "review": None}
        assert _oldest(await _flow(own)) == {"open": two_hours_ago, "review": five_hours_ago}
        everyone = await _flow(sre)
        assert everyone["done"] == {"bundled_orders": 3, "sealed_bundles": 3}
        assert _oldest(everyone) == {"open": three_days_ago, "review": five_hours_ago}
        assert (await sre.get("/bundles")).status_code == 403  # counts and times only

        # the person merges the pair: no review waits, and the one box seals with both orders
        [review] = (await own.get("/reviews")).json()["items"]
        merged = await own.post(f"/reviews/{review['review_id']}/merge", json={"reason": "one"})
        assert merged.status_code == 200, merged.text
        assert _oldest(await _flow(own)) == {"open": two_hours_ago, "review": None}
        await _seal(pool, "s1")
        after = await _flow(own)
        assert after["done"] == {"bundled_orders": 3, "sealed_bundles": 2}
        assert after["oldest"] == {"open": None, "review": None}
