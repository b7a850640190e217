"""The broker's incarnation as one service process knows it (its cluster id). A broker that came
back empty (a new cluster id) is recovered from: topics created again, the outbox sent again,
every consumer rewound to the beginning of its partitions (inboxes make the replays no-ops).
Asked before each batch's offsets are committed, and every `broker_check_seconds` for the
reachability gauge; `/health/ready` reads `check()`."""

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from packline_runtime import metrics
from packline_runtime.broker_watch import BrokerUnreachable, BrokerWatch
from packline_runtime.kafka import bootstrap_servers, ensure_topics
from packline_runtime.outbox_relay import OutboxRelay
from packline_runtime.settings import Settings

log = logging.getLogger("packline_runtime.service")  # where these lines were always logged


class Incarnation:
    def __init__(
        self,
        service: str,
        settings: Settings,
        kafka_subscribers: list[Any],
        relay: Callable[[], OutboxRelay | None],
    ) -> None:
        self.service = service
        self.settings = settings
        self.watch = BrokerWatch(bootstrap_servers(settings), f"packline-{service}-watch")
        self._kafka_subscribers = kafka_subscribers  # the runtime's list, filled as it subscribes
        self._relay = relay
        self._known: str | None = None  # the broker's cluster id as this process knows it
        self._lock = asyncio.Lock()

    async def watch_broker(self) -> int:
        """The periodic check: recovers a new incarnation, and notes reachability."""
        try:
            await self.confirm()
        except BrokerUnreachable as exc:
            log.warning("%s: broker unreachable (%s)", self.service, exc)
            metrics.note_dependency(self.service, "broker", False)
            return 0
        metrics.note_dependency(self.service, "broker", True)
        return 0

    async def confirm(self) -> None:
        """Ask the broker for its cluster id; on a new incarnation (it came back empty) recover:
        topics, the outbox sent again, every consumer back to the beginning of its partitions.
        Raises BrokerUnreachable (transient: a batch is redelivered, not committed)."""
        cluster_id = await self.watch.cluster_id()
        if cluster_id == self._known:
            return
        async with self._lock:
            relay = self._relay()
            if cluster_id == self._known or relay is None:
                return
            first = self._known is None
            if not first:
                s = self.settings
                await ensure_topics(s.kafka_bootstrap, s.kafka_partitions)
            await relay.note_incarnation(cluster_id)
            if not first:
                # offsets from the old incarnation mean nothing here; inboxes make replays no-ops
                self._rewind_consumers()
                log.warning(
                    "%s: broker came back as %s; consumers rewound", self.service, cluster_id
                )
            self._known = cluster_id

    def _rewind_consumers(self) -> None:
        for kafka_subscriber in self._kafka_subscribers:
            consumer = getattr(kafka_subscriber, "consumer", None)
            if consumer is None:
                continue
            for tp in consumer.assignment():
                consumer.seek(tp, 0)

    async def check(self) -> str:
        """ok, unreachable, or recovering (back as a new incarnation, not yet refilled)."""
        try:
            cluster_id = await self.watch.cluster_id()
        except BrokerUnreachable:
            return "unreachable"
        return "ok" if cluster_id == self._known else "recovering"

    def close(self) -> None:
        self.watch.close()
