"""The never-oversell property test's steps (test_never_oversell_db.py): the model of what
the test expects (orders, stock received and shipped), a drawn half-step resolved against the
database when it runs (which order to cancel, which bundle shipped), and a half run on a replica
as the consumer or an HTTP route would, retried on the races a replica retries."""

import asyncio
import itertools
import uuid
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import asyncpg

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
from packline_runtime.unit_of_work import UnitOfWork, unit_of_work

SELLERS = ("s1", "s2")
SKUS = ("A", "B", "C")
RETRIED = TRANSIENT_ERRORS + RACES
ATTEMPTS = 8

Key = tuple[str, str]  # (seller, sku)


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


async def resolve(pool: asyncpg.Pool, model: Model, drawn: tuple[Any, ...], busy: set[str]) -> Half:
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
        await resolve_event(pool, model, item, busy, events, labels, deltas, after)
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


async def resolve_event(
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
            events.append(cancel_of(order.collected))
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
            cancel = cancel_of(order.collected)
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


def cancel_of(order: OrderCollected) -> OrderCancelled:
    return OrderCancelled(**order.follow_up(), order=order.order, recipient_key=order.recipient_key)


# ---- running a half on a replica, as the consumer or an HTTP route would ----


async def apply_half(pool: asyncpg.Pool, half: Half) -> bool:
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


def on_hand_after(before: dict[Key, int], halves: list[Half]) -> dict[Key, set[int]]:
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
