"""Never oversell (issue 13), property-based, on PostgreSQL: random interleavings of stock changes
(입고, 조정, 실사), 안전재고 set / release, bundle arrivals, cancellations (heard, and decided
CANCELLED by the shipper), shipments and 할당처리 waves (seller s2 allows partial shipment, so
its short bundles split into a shipped part and a backorder), across TWO allocator replicas (two pools
on one schema, as two service processes), a step's two halves running concurrently where the
step says so. After every step, read from the database:

- on hand ≥ reserved ≥ 0 for every SKU, and a SKU whose reserved units grew in the step has
  available = on hand − reserved − safety ≥ 0 after it (a wave reserves only what is available),
  unless the step also lowered on hand or raised the safety of that SKU (a count may eat into
  the safety; that is no oversell);
- reserved = the sum of the live reservations: stock.allocated = SUM(reservations.quantity) per
  SKU, and only live orders hold reservations;
- on hand = initial + received − shipped, to the unit (a count sets the level; when it ran
  concurrently with another change of the same SKU, either serial order is accepted).

A deadlock or serialization failure between the replicas is retried, as the consumer's
redelivery and the HTTP routes' contention.in_transaction do; a refused stock change (below
reserved, negative) is an answer, not a failure. Stock is scarce (two sellers, three SKUs,
a few units) so waves contend."""

import asyncio
import itertools
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from packline_allocator.bootstrap import MIGRATIONS
from packline_allocator.domain.ledger import StockRefused
from packline_allocator.domain.movements import BatchRefused, MoveLine, MovementReason
from packline_allocator.service_layer import use_cases
from packline_contracts import (
    BundleFormed,
    CancellationDecided,
    Event,
    OrderCancelled,
    OrderCollected,
    Shipped,
    ShippedOrder,
    SkuLine,
)
from packline_launcher.testing import bundle, collected, matched
from packline_runtime.consumer import TRANSIENT_ERRORS
from packline_runtime.contention import RACES
from packline_runtime.db import create_pool
from packline_runtime.migrations import migrate
from packline_runtime.unit_of_work import UnitOfWork, unit_of_work

SELLERS = ("s1", "s2")
SKUS = ("A", "B", "C")
RETRIED = TRANSIENT_ERRORS + RACES
ATTEMPTS = 8

Key = tuple[str, str]  # (seller, sku)

# ---- what a step asks (drawn by hypothesis; resolved against the database when it runs) ----

sellers = st.sampled_from(SELLERS)
skus = st.sampled_from(SKUS)
demand = st.dictionaries(skus, st.integers(1, 2), min_size=1, max_size=2)
receive = st.tuples(st.just("receive"), sellers, skus, st.integers(1, 3))
adjust = st.tuples(st.just("adjust"), sellers, skus, st.integers(-2, 2).filter(bool))
count = st.tuples(st.just("count"), sellers, skus, st.integers(0, 4))
safety = st.tuples(st.just("safety"), sellers, skus, st.integers(0, 2))
release = st.tuples(st.just("release"), sellers, skus)
wave = st.tuples(st.just("wave"), sellers)
# consumer batches: bundles arriving (1-2 orders each), cancels heard, cancels the shipper
# decided CANCELLED, shipments; a batch may hold events of both sellers
formed = st.tuples(st.just("formed"), sellers, st.lists(demand, min_size=1, max_size=2))
heard = st.tuples(st.just("heard"), st.integers(0, 99))
decided = st.tuples(st.just("decided"), st.integers(0, 99))
shipped = st.tuples(st.just("shipped"), st.integers(0, 99))
batch = st.tuples(
    st.just("batch"),
    st.lists(
        st.sampled_from(["formed", "shipped", "formed", "decided", "shipped", "heard"]).flatmap(
            lambda kind: {"formed": formed, "heard": heard, "decided": decided}.get(kind, shipped)
        ),
        min_size=1,
        max_size=3,
    ),
)
# kinds drawn by hand-set weights (one_of leans on its first branch under derandomize)
HALVES = {
    "batch": batch,
    "receive": receive,
    "wave": wave,
    "adjust": adjust,
    "count": count,
    "safety": safety,
    "release": release,
}
WEIGHTS = ["batch"] * 5 + ["receive"] * 2 + ["wave"] * 2 + ["adjust", "count", "safety", "release"]
half = st.sampled_from(WEIGHTS).flatmap(HALVES.__getitem__)
step = st.one_of(
    st.tuples(st.just("together"), half, half),  # replica A and replica B at once
    st.tuples(st.just("alone"), half),  # one replica alone
)


@dataclass
class Order:
    seller: str
    collected: OrderCollected
    box: BundleFormed
    needs: dict[str, int]


@dataclass
class Model:
    """What the steps did, as far as on-hand goes, and the orders sent so far."""

    on_hand: dict[Key, int] = field(default_factory=lambda: defaultdict(int))
    orders: list[Order] = field(default_factory=list)
    shipped: set[str] = field(default_factory=set)  # order uids whose parcel left
    cancelled: set[str] = field(default_factory=set)  # order uids the shipper decided CANCELLED
    numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))


@dataclass
class Half:
    """One replica's transaction in a step: what it runs, and what it does to on-hand when it
    commits (a delta per SKU, or a count's level)."""

    label: str
    run: Callable[[UnitOfWork], Awaitable[Any]]
    deltas: dict[Key, int] = field(default_factory=dict)
    levels: dict[Key, int] = field(default_factory=dict)
    lowers: set[Key] = field(default_factory=set)  # may leave on hand − reserved < safety
    committed: Callable[[], None] = lambda: None


# ---- resolving a drawn half against the model and the database ----


async def _resolve(
    pool: asyncpg.Pool, model: Model, drawn: tuple[Any, ...], busy: set[str]
) -> Half:
    kind = drawn[0]
    if kind in ("receive", "adjust"):
        _, seller, sku, delta = drawn
        reason = MovementReason.RECEIPT if kind == "receive" else MovementReason.ADJUSTMENT
        lines = [MoveLine(sku, delta)]
        return Half(
            f"{kind} {seller}/{sku} {delta:+}",
            lambda uow: use_cases.move_stock(uow, seller, reason, lines, "test"),
            deltas={(seller, sku): delta},
            lowers={(seller, sku)} if delta < 0 else set(),
        )
    if kind == "count":
        _, seller, sku, level = drawn
        return Half(
            f"count {seller}/{sku} = {level}",
            lambda uow: use_cases.set_stock(uow, seller, {sku: level}, "test"),
            levels={(seller, sku): level},
            lowers={(seller, sku)},
        )
    if kind == "safety":
        _, seller, sku, level = drawn
        return Half(
            f"safety {seller}/{sku} = {level}",
            lambda uow: use_cases.set_safety(uow, seller, [MoveLine(sku, level)], "test"),
            lowers={(seller, sku)},
        )
    if kind == "release":
        _, seller, sku = drawn
        return Half(
            f"release safety {seller}/{sku}",
            lambda uow: use_cases.release_safety(uow, seller, [sku], "test"),
        )
    if kind == "wave":
        seller = drawn[1]
        return Half(f"wave {seller}", lambda uow: use_cases.run_wave_now(uow, seller))
    assert kind == "batch"
    events: list[Event] = []
    labels: list[str] = []
    deltas: Counter[Key] = Counter()
    after: list[Callable[[], None]] = []
    for item in drawn[1]:
        await _resolve_event(pool, model, item, busy, events, labels, deltas, after)
    if not events:
        return Half("empty batch", lambda uow: asyncio.sleep(0))

    def committed() -> None:
        for done in after:
            done()

    return Half(
        "batch[" + ", ".join(labels) + "]",
        lambda uow: use_cases.handle_events(uow, events),
        deltas=dict(deltas),
        committed=committed,
    )


async def _resolve_event(
    pool: asyncpg.Pool,
    model: Model,
    item: tuple[Any, ...],
    busy: set[str],
    events: list[Event],
    labels: list[str],
    deltas: Counter[Key],
    after: list[Callable[[], None]],
) -> None:
    kind = item[0]
    if kind == "formed":
        _, seller, needs = item
        made = [(collected(next(model.numbers), seller=seller), n) for n in needs]
        box = bundle(*(matched(order, n) for order, n in made))
        events.append(box)
        labels.append(f"formed {seller} {[dict(n) for _, n in made]}")
        new = [Order(seller, order, box, dict(n)) for order, n in made]
        busy.update(o.collected.order.uid for o in new)
        after.append(lambda: model.orders.extend(new))
        return
    pick = item[1]
    if kind == "heard":  # heard for any order sent, waiting, allocated or shipped already
        free = [o for o in model.orders if o.collected.order.uid not in busy]
        if free:
            order = free[pick % len(free)]
            busy.add(order.collected.order.uid)
            events.append(_cancel(order.collected))
            labels.append(f"heard {order.collected.order.uid}")
        return
    if kind == "decided":  # the shipper says CANCELLED only of an order it never shipped
        free = [
            o
            for o in model.orders
            if o.collected.order.uid not in busy | model.shipped | model.cancelled
        ]
        if free:
            order = free[pick % len(free)]
            uid = order.collected.order.uid
            busy.add(uid)
            cancel = _cancel(order.collected)
            events.append(
                CancellationDecided(
                    **cancel.follow_up(),
                    order=cancel.order,
                    recipient_key=cancel.recipient_key,
                    outcome="CANCELLED",
                    tracking_number=None,
                )
            )
            labels.append(f"decided CANCELLED {uid}")
            after.append(lambda: model.cancelled.add(uid))
        return
    assert kind == "shipped"  # the shipper ships an allocated bundle's orders it did not cancel
    rows = await pool.fetch(
        """
        SELECT b.bundle_id, o.order_uid, r.sku, r.quantity
        FROM bundles b JOIN bundle_orders o USING (bundle_id)
        JOIN reservations r USING (order_uid)
        WHERE b.status = 'ALLOCATED' AND o.status = 'LIVE'
        ORDER BY b.bundle_id, o.order_uid, r.sku
        """
    )
    parcels: dict[uuid.UUID, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        parcels[row["bundle_id"]][row["order_uid"]][row["sku"]] = row["quantity"]
    ready = [
        (bundle_id, orders)
        for bundle_id, orders in parcels.items()
        if not set(orders) & (busy | model.shipped | model.cancelled)
    ]
    if not ready:
        return
    bundle_id, orders = ready[item[1] % len(ready)]
    by_uid = {o.collected.order.uid: o for o in model.orders}
    first = by_uid[next(iter(orders))]
    out: Counter[str] = Counter()
    for units in orders.values():
        out.update(units)
    busy.update(orders)
    events.append(
        Shipped(
            **first.box.follow_up(),
            bundle_id=bundle_id,
            courier_code="CJGLS",
            tracking_number=f"{next(model.numbers):012d}",
            shipped_at=first.collected.paid_at,
            orders=tuple(
                ShippedOrder(order=by_uid[uid].collected.order, line_ids=("1",)) for uid in orders
            ),
            stock_out=tuple(SkuLine(sku=s, quantity=q) for s, q in sorted(out.items())),
        )
    )
    labels.append(f"shipped {bundle_id} {dict(out)} ({first.seller})")
    for sku, quantity in out.items():
        deltas[(first.seller, sku)] -= quantity
    after.append(lambda: model.shipped.update(orders))


def _cancel(order: OrderCollected) -> OrderCancelled:
    return OrderCancelled(**order.follow_up(), order=order.order, recipient_key=order.recipient_key)


# ---- running a half on a replica, as the consumer or an HTTP route would ----


async def _apply(pool: asyncpg.Pool, half: Half) -> bool:
    """True when it committed, False when the allocator refused it (nothing changed); a lost
    race between the replicas runs the whole transaction again."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with unit_of_work(pool) as uow:
                await half.run(uow)
            return True
        except (StockRefused, BatchRefused):
            return False
        except RETRIED:
            if attempt == ATTEMPTS:
                raise
            await asyncio.sleep(0.01 * attempt)
    raise AssertionError("unreachable")


def _on_hand_after(before: dict[Key, int], halves: list[Half]) -> dict[Key, set[int]]:
    """Every on-hand a serial order of the committed halves can leave, per SKU they touch."""
    found: dict[Key, set[int]] = defaultdict(set)
    keys = {k for h in halves for k in (*h.deltas, *h.levels)}
    for order in itertools.permutations(halves):
        level = dict(before)
        for h in order:
            for key, delta in h.deltas.items():
                level[key] = level.get(key, 0) + delta
            level.update(h.levels)
        for key in keys:
            found[key].add(level.get(key, 0))
    return found


# ---- the invariants, read from the database ----


async def _stock(pool: asyncpg.Pool) -> dict[Key, asyncpg.Record]:
    rows = await pool.fetch("SELECT seller_id, sku, on_hand, allocated, safety FROM stock")
    return {(r["seller_id"], r["sku"]): r for r in rows}


async def _check(
    pool: asyncpg.Pool,
    model: Model,
    before: dict[Key, asyncpg.Record],
    lowered: set[Key],
    where: str,
) -> dict[Key, asyncpg.Record]:
    stock = await _stock(pool)
    for key, row in stock.items():
        on_hand, reserved, held = row["on_hand"], row["allocated"], row["safety"]
        assert 0 <= reserved <= on_hand, f"{where}: {key} on hand {on_hand}, reserved {reserved}"
        grew = reserved > (before[key]["allocated"] if key in before else 0)
        if grew and key not in lowered:
            assert on_hand - reserved - held >= 0, (
                f"{where}: {key} reserved grew to {reserved} with {on_hand} on hand and "
                f"{held} safety: a wave gave out more than was available"
            )
        assert on_hand == model.on_hand[key], (
            f"{where}: {key} on hand {on_hand}, expected {model.on_hand[key]} "
            "(initial + received − shipped)"
        )
    for key, expected in model.on_hand.items():
        assert key in stock or expected == 0, (
            f"{where}: {key} has no stock row, expected {expected}"
        )
    sums = await pool.fetch(
        """
        SELECT seller_id, sku, sum(quantity)::int AS reserved
        FROM reservations GROUP BY seller_id, sku
        """
    )
    reserved = {(r["seller_id"], r["sku"]): r["reserved"] for r in sums}
    for key in set(reserved) | set(stock):
        assert reserved.get(key, 0) == (stock[key]["allocated"] if key in stock else 0), (
            f"{where}: {key} stock.allocated "
            f"{stock[key]['allocated'] if key in stock else None} ≠ "
            f"sum of reservations {reserved.get(key, 0)}"
        )
    dead = await pool.fetch(
        """
        SELECT r.order_uid, r.sku, r.quantity, o.status, b.status AS bundle_status
        FROM reservations r JOIN bundle_orders o USING (order_uid) JOIN bundles b USING (bundle_id)
        WHERE o.status <> 'LIVE' OR b.status <> 'ALLOCATED'
        """
    )
    assert not dead, f"{where}: reservations not live: {[dict(r) for r in dead]}"
    return stock


# ---- the property ----


async def _run(database_url: str, steps: list[tuple[Any, ...]]) -> None:
    schema = f"nos_{uuid.uuid4().hex[:10]}"
    replica_a = await create_pool(database_url, schema, min_size=1, max_size=2)
    replica_b = await create_pool(database_url, schema, min_size=1, max_size=2)
    try:
        async with replica_a.acquire() as conn:
            await migrate(conn, schema, MIGRATIONS)
            # s2 lets a short bundle ship the orders that fit (미할당주문나누기): its waves split
            await conn.execute(
                "INSERT INTO partial_shipment (seller_id, allowed, updated_by) "
                "VALUES ('s2', true, 'never-oversell')"
            )
        model = Model()
        stock = await _check(replica_a, model, {}, set(), "start")
        for number, drawn in enumerate(steps, 1):
            busy: set[str] = set()
            halves = [await _resolve(replica_a, model, h, busy) for h in drawn[1:]]
            where = f"step {number} ({drawn[0]}: {' | '.join(h.label for h in halves)})"
            # together: A and B at once; alone: A and B take turns
            replicas = (replica_a, replica_b) if number % 2 or len(halves) > 1 else (replica_b,)
            done = await asyncio.gather(
                *(_apply(pool, h) for pool, h in zip(replicas, halves, strict=False))
            )
            committed = [h for h, ok in zip(halves, done, strict=True) if ok]
            for h in committed:
                h.committed()
            current = await _stock(replica_a)
            for key, levels in _on_hand_after(dict(model.on_hand), committed).items():
                on_hand = current[key]["on_hand"] if key in current else 0
                assert on_hand in levels, (
                    f"{where}: {key} on hand {on_hand}, expected one of {sorted(levels)} "
                    "(initial + received − shipped)"
                )
                model.on_hand[key] = on_hand
            lowered = {k for h in committed for k in h.lowers}
            stock = await _check(replica_a, model, stock, lowered, where)
    finally:
        await replica_a.close()
        await replica_b.close()
        admin = await asyncpg.connect(database_url)
        try:
            await admin.execute(f'DROP SCHEMA "{schema}" CASCADE')
        finally:
            await admin.close()


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=8, max_size=15))
def test_two_replicas_never_oversell(database_url: str, steps: list[tuple[Any, ...]]) -> None:
    asyncio.run(_run(database_url, steps))
