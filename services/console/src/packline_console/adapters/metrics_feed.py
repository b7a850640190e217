"""Where the SRE page's numbers come from: this console process sampling every service's
/metrics into an in-memory ring of the last hour (per console process: a restart, or another
replica, starts empty), or Prometheus' HTTP API (query_range) when PACKLINE_PROMETHEUS_URL is set."""

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta

import httpx

from packline_console.adapters.services import ServiceDown, Services
from packline_console.domain.metrics import Snapshot, parse
from packline_console.settings import SERVICES

log = logging.getLogger(__name__)
Series = dict[str, list[tuple[datetime, float | None]]]


class Ring:
    """Samples (time, snapshot per service) of the last `keep`; older ones fall off."""

    def __init__(self, keep: timedelta) -> None:
        self.keep = keep
        self.samples: deque[tuple[datetime, dict[str, Snapshot]]] = deque()

    def add(self, at: datetime, snapshots: dict[str, Snapshot]) -> None:
        self.samples.append((at, snapshots))
        # one sample older than the hour stays, so the hour's first interval has a start
        while len(self.samples) > 2 and self.samples[1][0] < at - self.keep:
            self.samples.popleft()


class Sampler:
    def __init__(
        self,
        services: Services,
        clock: Callable[[], datetime],
        interval: float,
        keep: timedelta = timedelta(hours=1),
    ) -> None:
        self.services = services
        self.clock = clock
        self.interval = interval
        self.ring = Ring(keep)
        self.down: set[str] = set()

    async def _one(self, service: str) -> Snapshot | None:
        try:
            text = await self.services.metrics_text(service)
        except ServiceDown:
            self.down.add(service)
            return None
        self.down.discard(service)
        # each service labels its own series; in-process tests share one registry
        return parse(text).get(service, Snapshot())

    async def sample_once(self) -> None:
        found = await asyncio.gather(*(self._one(s) for s in SERVICES))
        snapshots = {s: snap for s, snap in zip(SERVICES, found, strict=True) if snap is not None}
        self.ring.add(self.clock(), snapshots)

    async def run(self) -> None:
        while True:
            try:
                await self.sample_once()
            except Exception:  # a bad scrape must not end sampling
                log.exception("sampling the services' /metrics failed")
            await asyncio.sleep(self.interval)

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        task = asyncio.create_task(self.run(), name="sre-sampler")
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


class PrometheusDown(Exception):
    pass


class Prometheus:
    """Prometheus' HTTP API: one query_range per chart, `service` label per line."""

    def __init__(self, url: str, client: httpx.AsyncClient) -> None:
        self.url = url.rstrip("/")
        self.client = client

    async def query_range(
        self, query: str, start: datetime, end: datetime, step: timedelta
    ) -> Series:
        params = {
            "query": query,
            "start": f"{start.timestamp():.3f}",
            "end": f"{end.timestamp():.3f}",
            "step": f"{step.total_seconds():.0f}s",
        }
        try:
            answer = await self.client.get(f"{self.url}/api/v1/query_range", params=params)
            body = answer.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise PrometheusDown(str(exc)) from None
        if answer.status_code != 200 or body.get("status") != "success":
            raise PrometheusDown(str(body.get("error", answer.status_code)))
        series: Series = {}
        for result in body["data"]["result"]:
            service = str(result.get("metric", {}).get("service", ""))
            series[service] = [
                (datetime.fromtimestamp(float(t), UTC), _number(v)) for t, v in result["values"]
            ]
        return series


def _number(value: str) -> float | None:
    number = float(value)
    return None if number != number else number  # NaN: no observations in the window
