"""What the SRE page charts, from the numbers every service exports on /metrics
(packline_runtime.metrics): one Snapshot per service per sample, and the per-second rates and
handler percentiles between two snapshots. No seller names and no recipient data: the services'
metrics carry none."""

from dataclasses import dataclass, field
from datetime import datetime

from prometheus_client.parser import text_string_to_metric_families

EVENTS_IN = "packline_events_in"
HANDLER = "packline_handler_seconds"
DEAD_LETTERS = "packline_dead_letters"
BACKLOG = "packline_outbox_backlog"
LAG = "packline_consumer_lag"
OLDEST = "packline_oldest_unprocessed_age_seconds"


@dataclass
class Snapshot:
    """One service's counters and gauges at one moment (counters are totals since it started)."""

    events_in: float = 0.0
    dead_letters: float = 0.0
    backlog: float = 0.0
    lag: float = 0.0
    oldest: float = 0.0  # seconds the oldest waiting item has waited, the most of any queue
    buckets: dict[float, float] = field(default_factory=dict)  # upper bound → cumulative count
    handled: float = 0.0  # handler calls (the histogram's count)


def parse(text: str) -> dict[str, Snapshot]:
    """Prometheus text → one Snapshot per `service` label (summed over event types and topics;
    the oldest age is the largest of the service's queues)."""
    found: dict[str, Snapshot] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            service = sample.labels.get("service")
            if service is None:
                continue
            snap = found.setdefault(service, Snapshot())
            name, value = sample.name, float(sample.value)
            if name == f"{EVENTS_IN}_total":
                snap.events_in += value
            elif name == f"{DEAD_LETTERS}_total":
                snap.dead_letters += value
            elif name == BACKLOG:
                snap.backlog += value
            elif name == LAG:
                snap.lag += value
            elif name == OLDEST:
                snap.oldest = max(snap.oldest, value)
            elif name == f"{HANDLER}_bucket":
                bound = float(sample.labels["le"])
                snap.buckets[bound] = snap.buckets.get(bound, 0.0) + value
            elif name == f"{HANDLER}_count":
                snap.handled += value
    return found


def quantile(q: float, buckets: dict[float, float]) -> float | None:
    """Like PromQL's histogram_quantile over cumulative bucket counts (linear inside a bucket);
    None when nothing was observed."""
    bounds = sorted(buckets)
    if not bounds or buckets[bounds[-1]] <= 0:
        return None
    rank = q * buckets[bounds[-1]]
    lower_bound, lower_count = 0.0, 0.0
    for bound in bounds:
        count = buckets[bound]
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            share = (rank - lower_count) / (count - lower_count) if count > lower_count else 0.0
            return lower_bound + (bound - lower_bound) * share
        lower_bound, lower_count = bound, count
    return lower_bound


def _rise(before: float, after: float) -> float:
    """A counter's increase; a restarted service starts again from zero."""
    return after - before if after >= before else after


@dataclass(frozen=True)
class Point:
    """The charted values for one service over one sampling interval (ending at `at`)."""

    at: datetime
    events_per_second: float
    p50: float | None
    p99: float | None
    lag: float
    backlog: float
    dead_letters: float
    oldest: float


def between(
    at_before: datetime, before: Snapshot, at_after: datetime, after: Snapshot
) -> Point | None:
    seconds = (at_after - at_before).total_seconds()
    if seconds <= 0:
        return None
    window = {
        bound: _rise(before.buckets.get(bound, 0.0), count)
        for bound, count in after.buckets.items()
    }
    return Point(
        at=at_after,
        events_per_second=_rise(before.events_in, after.events_in) / seconds,
        p50=quantile(0.5, window),
        p99=quantile(0.99, window),
        lag=after.lag,
        backlog=after.backlog,
        dead_letters=_rise(before.dead_letters, after.dead_letters),
        oldest=after.oldest,
    )
