"""Per-stage instruments (OpenTelemetry API); exported for Prometheus by `telemetry`."""

from collections.abc import Iterable

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
HANDLER_SECONDS = _meter.create_histogram(
    "packline_handler_seconds", unit="s", description="Time to handle one consumed batch"
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
