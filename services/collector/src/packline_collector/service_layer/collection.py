"""주문수집: automatic collection of every due account (paid orders of the last 12 hours, claims
since the account's claims cursor) and manual collection over a chosen period and marketplaces,
each as a pollable job. A lease on the account row keeps two replicas from collecting the same
account at once."""

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import UTC, datetime, timedelta

import asyncpg

from packline_collector.adapters import accounts_repository as accounts_repo
from packline_collector.adapters import jobs_repository as jobs
from packline_collector.adapters.http_retry import MarketplaceError
from packline_collector.domain.accounts import Account
from packline_collector.domain.remote import Gateway
from packline_collector.service_layer import recollection
from packline_runtime.unit_of_work import unit_of_work

log = logging.getLogger(__name__)
RECENT = timedelta(hours=12)
# claims are read again a little before the cursor: a receipt the marketplace listed late
CLAIMS_OVERLAP = timedelta(minutes=10)


class Collection:
    def __init__(
        self,
        pool: Callable[[], asyncpg.Pool],
        gateway_for: Callable[[Account], Gateway],
        lease_seconds: float = 900.0,
        due_per_tick: int = 20,
    ) -> None:
        self._pool = pool
        self._gateway_for = gateway_for
        self.lease_seconds = lease_seconds
        self.due_per_tick = due_per_tick
        self.owner = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.tasks: set[asyncio.Task[None]] = set()

    @contextlib.asynccontextmanager
    async def lifespan(self, _runtime: object) -> AsyncIterator[None]:
        """Manual jobs still running at shutdown are stopped and marked as such."""
        try:
            yield
        finally:
            for task in list(self.tasks):
                task.cancel()
            await asyncio.gather(*self.tasks, return_exceptions=True)

    async def collect_due(self) -> int:
        """One tick of automatic collection; returns how many accounts it collected."""
        async with self._pool().acquire() as conn:
            rows = await accounts_repo.lease_due(
                conn, self.owner, self.lease_seconds, self.due_per_tick
            )
        if not rows:
            return 0
        end = datetime.now(UTC)
        by_seller: dict[str, list[Account]] = {}
        for row in rows:
            by_seller.setdefault(row["seller_id"], []).append(Account.from_row(row))
        for seller_id, found in by_seller.items():
            async with self._pool().acquire() as conn:
                job_id = await jobs.start(
                    conn,
                    seller_id,
                    "AUTO",
                    sorted({a.marketplace for a in found}),
                    (end - RECENT, end),
                    len(found),
                )
            await self._run(job_id, found, end - RECENT, end, leased=True)
        return len(rows)

    async def start_manual(
        self, seller_id: str, marketplaces: Sequence[str], start: datetime, end: datetime
    ) -> uuid.UUID:
        async with self._pool().acquire() as conn:
            rows = [
                r
                for r in await accounts_repo.list_for(conn, seller_id)
                if r["enabled"] and r["marketplace"] in marketplaces
            ]
            if not rows:
                raise LookupError(
                    f"seller {seller_id} has no enabled account on {', '.join(marketplaces)}"
                )
            job_id = await jobs.start(
                conn, seller_id, "MANUAL", sorted(marketplaces), (start, end), len(rows)
            )
        task = asyncio.create_task(
            self._run(job_id, [Account.from_row(r) for r in rows], start, end, leased=False)
        )
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return job_id

    async def _run(
        self, job_id: uuid.UUID, found: list[Account], start: datetime, end: datetime, leased: bool
    ) -> None:
        failed = len(found)
        try:
            results = await asyncio.gather(
                *(self._account(job_id, a, start, end, leased) for a in found)
            )
            failed = sum(1 for ok in results if not ok)
        except asyncio.CancelledError:
            await self._report(job_id, {}, ["stopped: the collector shut down; run it again"])
            raise
        finally:
            async with self._pool().acquire() as conn:
                await jobs.finish(conn, job_id, failed)

    async def _account(
        self, job_id: uuid.UUID, account: Account, start: datetime, end: datetime, leased: bool
    ) -> bool:
        if not leased and not await self._wait_for_lease(account):
            await self._report(
                job_id, {}, [f"{account.who}: another collection holds it; try again later"], True
            )
            return False
        error = "stopped before it finished"
        try:
            async with asyncio.timeout(self.lease_seconds * 0.9):
                await self._collect(job_id, account, start, end)
            error = ""
        except MarketplaceError as exc:
            error = str(exc)
        except TimeoutError:
            error = f"{account.who}: collection took longer than {self.lease_seconds * 0.9:.0f}s"
        except Exception as exc:  # one account's trouble never stops the others
            log.exception("%s: collection failed", account.who)
            error = f"{account.who}: unexpected {type(exc).__name__}; see the collector log"
        finally:
            async with self._pool().acquire() as conn:
                await accounts_repo.release(conn, account.account_id, self.owner, error, leased)
        if error:
            log.warning("collection failed: %s", error)
            await self._report(job_id, {}, [error], account_done=True)
        return not error

    async def _wait_for_lease(self, account: Account) -> bool:
        deadline = asyncio.get_running_loop().time() + self.lease_seconds
        while asyncio.get_running_loop().time() < deadline:
            async with self._pool().acquire() as conn:
                if await accounts_repo.lease_one(
                    conn, account.account_id, self.owner, self.lease_seconds
                ):
                    return True
            await asyncio.sleep(0.5)
        return False

    async def _collect(
        self, job_id: uuid.UUID, account: Account, start: datetime, end: datetime
    ) -> None:
        reported = 0

        async def progress(fetched: int) -> None:
            nonlocal reported
            if fetched > reported:
                await self._report(job_id, {"fetched": fetched - reported}, [])
                reported = fetched

        claims_from = start
        if account.claims_read_to is not None:  # from where the last full read ended
            claims_from = min(start, account.claims_read_to - CLAIMS_OVERLAP)
        fetched = await self._gateway_for(account).fetch(start, end, progress, claims_from)
        async with unit_of_work(self._pool()) as uow:
            counts = await recollection.apply(uow, account, fetched.orders.values())
            if fetched.claims_read_to is not None:  # a failed read leaves the cursor
                await accounts_repo.claims_read(
                    uow.conn, account.account_id, claims_from, fetched.claims_read_to
                )
        counts["fetched"] = len(fetched.orders) - reported
        counts["acknowledged"] = fetched.acknowledged
        await self._report(job_id, counts, fetched.problems, account_done=True)

    async def _report(
        self,
        job_id: uuid.UUID,
        counts: dict[str, int],
        problems: list[str],
        account_done: bool = False,
    ) -> None:
        async with self._pool().acquire() as conn:
            await jobs.add(conn, job_id, counts, problems, account_done)
