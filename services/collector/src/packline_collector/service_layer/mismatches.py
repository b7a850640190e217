"""상태 불일치 check: the lines we shipped or pushed recently, account by account, read again at
their marketplace outside any transaction; each disagreement stored with its kind, and the
mismatches of lines the marketplace now agrees with resolved. An account that cannot be read
leaves its lines as they were. The scheduled check runs under a lease, on one replica at a
time and once per interval however many replicas schedule it."""

import asyncio
import logging
import os
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import asyncpg

from packline_collector.adapters import mismatch_repository as mismatches
from packline_collector.adapters import push_repository as pushes
from packline_collector.adapters import schedule_repository as schedule
from packline_collector.domain.accounts import Account
from packline_collector.domain.mismatch import (
    AccountDay,
    CheckResult,
    Found,
    MismatchKind,
    MismatchView,
    ShippedLine,
    StatusReader,
    judge,
)
from packline_runtime.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
SEOUL = ZoneInfo("Asia/Seoul")
JOB = "mismatch-check"


class Checker:
    def __init__(
        self,
        pool: Callable[[], asyncpg.Pool],
        reader_for: Callable[[Account], StatusReader],
        lookback: timedelta = timedelta(days=14),
        settle: timedelta = timedelta(hours=1),
        interval: timedelta = timedelta(hours=1),
        lease: timedelta = timedelta(minutes=30),
    ) -> None:
        self._pool = pool
        self._reader_for = reader_for
        self.lookback = lookback
        self.settle = settle
        self.interval = interval
        self.lease = lease
        self.owner = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"

    async def check(self, seller_id: str | None = None) -> CheckResult:
        now = datetime.now(UTC)
        since = now - self.lookback
        async with self._pool().acquire() as conn:
            lines = await mismatches.shipped_lines(conn, seller_id, since, now - self.settle)
            accounts = await pushes.accounts(conn, list({line.account_id for line in lines}))
        by_account: dict[uuid.UUID, list[ShippedLine]] = {}
        for line in lines:
            by_account.setdefault(line.account_id, []).append(line)
        result = CheckResult(checked=0, unanswered=0, open=0, resolved=0)
        for account_id, group in by_account.items():
            account = accounts.get(account_id)
            if account is None:  # disabled or gone: nothing to read with
                result.unanswered += len(group)
                continue
            try:
                seen = await self._reader_for(account).read(group, since)
            except Exception as exc:  # one account's trouble never stops the others
                log.warning("%s: mismatch check not done: %s", account.who, type(exc).__name__)
                result.unanswered += len(group)
                continue
            checked = [line for line in group if line.key in seen]
            found = [
                Found(line, kind, seen[line.key])
                for line in checked
                if (kind := judge(line, seen[line.key])) is not None
            ]
            async with self._pool().acquire() as conn:
                async with conn.transaction():
                    result.resolved += await mismatches.save_check(
                        conn, checked, found, datetime.now(UTC)
                    )
            result.checked += len(checked)
            result.unanswered += len(group) - len(checked)
            result.open += len(found)
        return result

    async def check_all(self) -> int:
        """The scheduled check of every seller, when it is due and no other replica runs it;
        0 so the loop waits its tick."""
        async with self._pool().acquire() as conn:
            if not await schedule.lease_if_due(conn, JOB, self.owner, self.lease):
                return 0
        try:
            async with asyncio.timeout(self.lease.total_seconds() * 0.9):
                result = await self.check()
        finally:
            async with self._pool().acquire() as conn:
                await schedule.release(conn, JOB, self.owner, self.interval)
        log.info(
            "mismatch check: %d lines checked, %d open, %d resolved, %d unanswered",
            result.checked,
            result.open,
            result.resolved,
            result.unanswered,
        )
        return 0


async def listed(
    uow: UnitOfWork,
    seller_id: str,
    open_only: bool,
    kind: MismatchKind | None,
    limit: int,
    offset: int,
    q: str | None = None,
    since: datetime | None = None,
) -> list[MismatchView]:
    return await mismatches.listed(
        uow.conn, seller_id, open_only, kind, limit, offset, q=q, since=since
    )


async def reconciliation(uow: UnitOfWork, seller_id: str, day: date) -> list[AccountDay]:
    """The seller's day in Asia/Seoul, per marketplace account."""
    start = datetime.combine(day, time(), SEOUL)
    return await mismatches.day(uow.conn, seller_id, start, start + timedelta(days=1))
