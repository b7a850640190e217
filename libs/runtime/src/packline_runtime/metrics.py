"""Per-stage instruments (OpenTelemetry API); exported for Prometheus by `telemetry`."""

from collections.abc import Iterable
from datetime import UTC, datetime

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

_meter = metrics.get_meter("packline")

EVENTS_IN = _meter.create_counter(
    "packline_events_in", unit="1", description="Events consumed, by service and event type"
)
EVENTS_OUT = _meter.create_counter(
    "packline_events_out", unit="1", description="Events written to the outbox, by type"
)
DUPLICATES = _meter.create_counter(
    "packline_events_duplicate", unit="1", description="Redelivered events skipped by the inbox"
)
DEAD_LETTERS = _meter.create_counter(
    "packline_dead_letters", unit="1", description="Messages sent to the dead-letter table"
)
OUTBOX_PUBLISHED = _meter.create_counter(
    "packline_outbox_published", unit="1", description="Outbox rows published to Kafka"
)
# Seconds, from a millisecond batch to a stalled one: the SDK's default boundaries (0, 5, 10, 25
# … 10000) are meant for milliseconds and would put every batch under 5 s in one bucket.
HANDLER_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
HANDLER_SECONDS = _meter.create_histogram(
    "packline_handler_seconds",
    unit="s",
    description="Time to handle one consumed batch",
    explicit_bucket_boundaries_advisory=HANDLER_BUCKETS,
)

# sampled by each service every few seconds (a database or broker query cannot run inside an
# exporter's synchronous callback); the gauges report the latest sample
SAMPLES: dict[str, dict[tuple[tuple[str, str], ...], float]] = {"backlog": {}, "lag": {}}


def _observe(kind: str) -> object:
    def callback(_options: CallbackOptions) -> Iterable[Observation]:
        return [Observation(value, dict(labels)) for labels, value in SAMPLES[kind].items()]

    return callback


_meter.create_observable_gauge(
    "packline_outbox_backlog",
    callbacks=[_observe("backlog")],  # type: ignore[list-item]
    description="Outbox rows not yet published",
)
_meter.create_observable_gauge(
    "packline_consumer_lag",
    callbacks=[_observe("lag")],  # type: ignore[list-item]
    description="Records behind the partition end, per consumed topic",
)

# per (service, queue): when the oldest item still waiting arrived (None: nothing waits), as
# last sampled; the age is taken at export time, so it keeps growing between samples
OLDEST: dict[tuple[tuple[str, str], ...], datetime | None] = {}


def oldest_ages(now: datetime | None = None) -> list[tuple[dict[str, str], float]]:
    """Seconds since each sampled queue's oldest waiting item arrived; 0 when nothing waits."""
    moment = now or datetime.now(UTC)
    return [
        (dict(labels), 0.0 if at is None else max(0.0, (moment - at).total_seconds()))
        for labels, at in list(OLDEST.items())
    ]


def _observe_oldest(_options: CallbackOptions) -> Iterable[Observation]:
    return [Observation(age, labels) for labels, age in oldest_ages()]


_meter.create_observable_gauge(
    "packline_oldest_unprocessed_age_seconds",
    callbacks=[_observe_oldest],
    unit="s",
    description="Age of the oldest item still waiting, per service and queue (0: none waits)",
)

# Tracking numbers pushed back to marketplaces (송장 전송), per line, by what the answer meant
# (sent, failed, retry, cancelled, by_hand): the push-failure alert's ratio of failed+retry.
MARKETPLACE_PUSHES = _meter.create_counter(
    "packline_marketplace_pushes",
    unit="1",
    description="Marketplace order lines a tracking push was tried for, by marketplace, outcome",
)

# per (service, dependency): 1 when the last check reached the broker / database, 0 when not
DEPENDENCY_UP: dict[tuple[tuple[str, str], ...], float] = {}


def note_dependency(service: str, dependency: str, up: bool) -> None:
    """What the last reachability check of `dependency` (broker, database) found."""
    DEPENDENCY_UP[(("service", service), ("dependency", dependency))] = 1.0 if up else 0.0


def _observe_dependencies(_options: CallbackOptions) -> Iterable[Observation]:
    return [Observation(up, dict(labels)) for labels, up in list(DEPENDENCY_UP.items())]


_meter.create_observable_gauge(
    "packline_dependency_up",
    callbacks=[_observe_dependencies],
    description="1: the last check reached this dependency (broker, database); 0: it did not",
)


def start_counters(service: str) -> None:
    """Export the alerting counters at 0 from the start: a series born at 1 would hide its first
    increment from increase() (Prometheus needs a sample before the rise)."""
    DEAD_LETTERS.add(0, {"service": service})
    OUTBOX_PUBLISHED.add(0, {"service": service})


# per (service, deadline): the earliest deadline an item still waiting must meet (None: nothing
# waits), as last sampled; exported as seconds past it (0 until it passes), taken at export time
DEADLINES: dict[tuple[tuple[str, str], ...], datetime | None] = {}


def overdue_ages(now: datetime | None = None) -> list[tuple[dict[str, str], float]]:
    """Seconds since each sampled earliest deadline passed; 0 when it has not or nothing waits."""
    moment = now or datetime.now(UTC)
    return [
        (dict(labels), 0.0 if due is None else max(0.0, (moment - due).total_seconds()))
        for labels, due in list(DEADLINES.items())
    ]


def _observe_overdue(_options: CallbackOptions) -> Iterable[Observation]:
    return [Observation(age, labels) for labels, age in overdue_ages()]


_meter.create_observable_gauge(
    "packline_overdue_seconds",
    callbacks=[_observe_overdue],
    unit="s",
    description="Seconds the earliest deadline of an item still waiting has been missed, per "
    "service and deadline (e.g. collector, shipping_cutoff); 0: none missed",
)
