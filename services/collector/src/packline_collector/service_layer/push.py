"""송장 전송: the consumer records the lines of a parcel whose number is known (Shipped, or
WaybillIssued for 가배송) as PENDING in its own transaction; the pusher, a background loop,
leases due lines, calls the marketplaces outside any transaction and records what they said."""

import logging
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import asyncpg

from packline_collector.adapters import order_changes_repository as changes
from packline_collector.adapters import push_repository as pushes
from packline_collector.adapters import push_views
from packline_collector.adapters.http_retry import MarketplaceError, MarketplaceUnavailable
from packline_collector.domain.accounts import Account
from packline_collector.domain.push import (
    CANCELLED_AT_MARKETPLACE,
    NUMBER_CHANGE_BY_HAND,
    PUSHED_BUT_CANCELLED,
    LineKey,
    NewPush,
    PushLine,
    PushResult,
    PushState,
    PushView,
    TrackingPusher,
    Verdict,
    after_retry,
    by_hand_detail,
    cancelled_detail,
    cs_detail,
    outcomes,
)
from packline_contracts import Event, OrderRef, Shipped, WaybillIssued
from packline_runtime import metrics
from packline_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)


class PushNotFound(LookupError):
    pass


class PushNotRetryable(ValueError):
    pass


def _lines(event: Event) -> list[tuple[OrderRef, str]]:
    if isinstance(event, Shipped):
        return [(o.order, line) for o in event.orders for line in o.line_ids]
    if isinstance(event, WaybillIssued) and event.pre_shipment_push:
        return [(m.order, line.line_id) for m in event.members for line in m.lines]
    return []


async def record_pushes(uow: UnitOfWork, events: Sequence[Event]) -> int:
    """Every marketplace order line of each parcel, PENDING (or NOT_APPLICABLE without an
    account); a line already recorded with the same number is left as it is."""
    found: list[tuple[Shipped | WaybillIssued, OrderRef, str]] = [
        (e, ref, line)
        for e in events
        if isinstance(e, Shipped | WaybillIssued)
        for ref, line in _lines(e)
    ]
    if not found:
        return 0
    accounts = await pushes.accounts_of_orders(
        uow.conn, list({r.uid: r for _, r, _ in found}.values())
    )
    new = {
        key: NewPush(
            key,
            event.parcel_id,
            event.courier_code,
            event.tracking_number,
            isinstance(event, WaybillIssued),
            *accounts.get(ref.uid, (None, False)),
        )
        for event, ref, line in found
        for key in [LineKey(ref.seller_id, ref.marketplace.value, ref.marketplace_order_id, line)]
    }  # a later event of the batch about the same line wins
    await pushes.record(uow.conn, list(new.values()))
    return len(new)


class Pusher:
    def __init__(
        self,
        pool: Callable[[], asyncpg.Pool],
        pusher_for: Callable[[Account], TrackingPusher],
        lease_seconds: float = 300.0,
        lines_per_tick: int = 300,
    ) -> None:
        self._pool = pool
        self._pusher_for = pusher_for
        self.lease_seconds = lease_seconds
        self.lines_per_tick = lines_per_tick

    async def push_due(self) -> int:
        """One tick: push every due line, account by account; returns how many were tried."""
        async with self._pool().acquire() as conn:
            async with conn.transaction():
                lines = await pushes.lease_due(conn, self.lines_per_tick, self.lease_seconds)
            accounts = await pushes.accounts(conn, list({line.account_id for line in lines}))
        by_account: dict[uuid.UUID, list[PushLine]] = {}
        for line in lines:
            by_account.setdefault(line.account_id, []).append(line)
        for account_id, group in by_account.items():
            results = await self._push(accounts.get(account_id), group)
            await self._save(group, results)
        return len(lines)

    async def _push(
        self, account: Account | None, lines: list[PushLine]
    ) -> dict[LineKey, PushResult]:
        if account is None:
            gone = PushResult(
                Verdict.FAILED,
                "NO_ACCOUNT",
                "the marketplace account this order was collected with is disabled or gone",
            )
            return {line.key: gone for line in lines}
        try:
            return await self._pusher_for(account).push(lines)
        except MarketplaceUnavailable as exc:  # 429/5xx/timeouts beyond the retries
            return {line.key: after_retry(line, str(exc)) for line in lines}
        except MarketplaceError as exc:  # refused as a whole: keys, endpoint, a 4xx
            refused = PushResult(Verdict.FAILED, "REFUSED", str(exc))
            return {line.key: refused for line in lines}
        except Exception as exc:  # one account's trouble never stops the others
            log.exception("%s: tracking push failed", account.who)
            return {
                line.key: after_retry(line, f"unexpected {type(exc).__name__}") for line in lines
            }

    async def _save(self, lines: list[PushLine], results: dict[LineKey, PushResult]) -> None:
        missing = PushResult(Verdict.RETRY, "NO_RESULT", "no answer for this line")
        done = [(line, results.get(line.key, missing)) for line in lines]
        cases = [
            (
                line.key.ref,
                CANCELLED_AT_MARKETPLACE,
                cs_detail(line.key, line.tracking_number, r.code),
            )
            for line, r in done
            if r.verdict is Verdict.CANCELLED
        ] + [
            (
                line.key.ref,
                NUMBER_CHANGE_BY_HAND,
                by_hand_detail(line.key, line.held_number, line.tracking_number),
            )
            for line, r in done
            if r.verdict is Verdict.BY_HAND
        ]
        async with self._pool().acquire() as conn:
            async with conn.transaction():
                await pushes.save_results(conn, done, datetime.now(UTC))
                await changes.add_attention(conn, cases)
        _count_outcomes(done)


def _count_outcomes(done: Sequence[tuple[PushLine, PushResult]]) -> None:
    """Per marketplace and outcome, once saved: the push-failure alert's numbers."""
    for (marketplace, outcome), lines in outcomes(done).items():
        metrics.MARKETPLACE_PUSHES.add(
            lines, {"service": "collector", "marketplace": marketplace, "outcome": outcome}
        )


async def cancel_pushes(uow: UnitOfWork, refs: Sequence[OrderRef]) -> int:
    """Orders cancelled here (the shipper decided CANCELLED): their lines are never pushed
    again; a line whose marketplace already holds our number (a 가배송 push that took effect)
    becomes a CS case, since neither marketplace's API withdraws an uploaded number."""
    held = await pushes.cancel_lines(uow.conn, refs)
    await changes.add_attention(
        uow.conn,
        [(key.ref, PUSHED_BUT_CANCELLED, cancelled_detail(key, number)) for key, number in held],
    )
    return len(held)


async def listed(
    uow: UnitOfWork,
    seller_id: str,
    state: PushState | None,
    marketplace: str | None,
    limit: int,
    offset: int,
    q: str | None = None,
    since: datetime | None = None,
) -> list[PushView]:
    return await push_views.listed(
        uow.conn, seller_id, state, marketplace, limit, offset, q=q, since=since
    )


async def retry_one(uow: UnitOfWork, key: LineKey) -> PushView:
    """A FAILED line is pushed again at the next tick; PENDING or SENT lines are not."""
    found = await pushes.retry_one(uow.conn, key)
    if found is None:
        raise PushNotFound(
            f"no tracking push for line {key.line_id} of {key.marketplace} order "
            f"{key.marketplace_order_id}"
        )
    view, retried = found
    if not retried:
        raise PushNotRetryable(
            f"line {key.line_id} of {key.marketplace} order {key.marketplace_order_id} is "
            f"{view.state.value}; only FAILED lines are retried"
        )
    return view


async def retry_failed(uow: UnitOfWork, seller_id: str) -> int:
    return await pushes.retry_failed(uow.conn, seller_id)
