"""Per-stage instruments (OpenTelemetry API); exported for Prometheus by `telemetry`."""

from opentelemetry import metrics

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
