"""The SRE page's arithmetic: what the services' /metrics text says per service, the handler
percentiles from histogram buckets (as PromQL's histogram_quantile), rates between samples."""

from datetime import UTC, datetime, timedelta

from packline_console.domain.line_chart import Chart, line_svg
from packline_console.domain.metrics import Snapshot, between, parse, quantile

SCOPE = 'otel_scope_name="packline"'
TEXT = f"""# TYPE packline_events_in_total counter
packline_events_in_total{{event_type="OrderMatched",{SCOPE},service="bundler"}} 30.0
packline_events_in_total{{event_type="OrderCancelled",{SCOPE},service="bundler"}} 10.0
# TYPE packline_handler_seconds histogram
packline_handler_seconds_bucket{{le="0.1",{SCOPE},service="bundler"}} 8.0
packline_handler_seconds_bucket{{le="1.0",{SCOPE},service="bundler"}} 10.0
packline_handler_seconds_bucket{{le="+Inf",{SCOPE},service="bundler"}} 10.0
packline_handler_seconds_count{{{SCOPE},service="bundler"}} 10.0
packline_handler_seconds_sum{{{SCOPE},service="bundler"}} 1.5
# TYPE packline_dead_letters_total counter
packline_dead_letters_total{{{SCOPE},service="bundler"}} 2.0
# TYPE packline_outbox_backlog gauge
packline_outbox_backlog{{{SCOPE},service="bundler"}} 4.0
# TYPE packline_consumer_lag gauge
packline_consumer_lag{{{SCOPE},service="bundler",topic="orders.matched"}} 7.0
packline_consumer_lag{{{SCOPE},service="bundler",topic="orders.cancelled"}} 3.0
# TYPE packline_oldest_unprocessed_age_seconds gauge
packline_oldest_unprocessed_age_seconds{{{SCOPE},queue="open",service="bundler"}} 95.5
packline_oldest_unprocessed_age_seconds{{{SCOPE},queue="review",service="bundler"}} 0.0
# TYPE python_gc_objects_collected_total counter
python_gc_objects_collected_total{{generation="0"}} 99.0
"""
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_parse_sums_a_service_over_event_types_and_topics() -> None:
    found = parse(TEXT)

    assert list(found) == ["bundler"]  # series without a service label are not a stage
    snap = found["bundler"]
    assert (snap.events_in, snap.dead_letters, snap.backlog, snap.lag) == (40.0, 2.0, 4.0, 10.0)
    assert snap.buckets == {0.1: 8.0, 1.0: 10.0, float("inf"): 10.0}
    assert snap.handled == 10.0
    assert snap.oldest == 95.5  # the longest any of the stage's queues has waited


def test_quantile_interpolates_inside_the_bucket_like_promql() -> None:
    buckets = {0.1: 8.0, 1.0: 10.0, float("inf"): 10.0}

    assert quantile(0.5, buckets) == 0.5 * 0.1 / 0.8  # rank 5 of 8 in (0, 0.1]
    assert quantile(0.9, buckets) == 0.1 + 0.9 * 0.5  # rank 9: halfway into (0.1, 1.0]
    assert quantile(0.5, {0.1: 0.0, float("inf"): 0.0}) is None  # nothing handled


def test_between_two_samples_gives_rates_and_the_window_percentiles() -> None:
    before = Snapshot(events_in=40, dead_letters=2, buckets={0.1: 8, 1.0: 10, float("inf"): 10})
    after = Snapshot(
        events_in=100,
        dead_letters=5,
        backlog=1,
        lag=6,
        oldest=30.0,
        buckets={0.1: 8, 1.0: 20, float("inf"): 20},
    )

    point = between(T0, before, T0 + timedelta(seconds=10), after)

    assert point is not None
    assert point.events_per_second == 6.0
    assert point.dead_letters == 3.0
    assert (point.lag, point.backlog, point.oldest) == (6, 1, 30.0)
    # all ten batches of this window took between 0.1 s and 1 s
    assert point.p50 is not None and 0.1 < point.p50 < 1.0


def test_a_restarted_service_counts_from_zero_not_negative() -> None:
    point = between(T0, Snapshot(events_in=500), T0 + timedelta(seconds=5), Snapshot(events_in=20))

    assert point is not None and point.events_per_second == 4.0


def test_the_chart_escapes_labels_and_writes_the_latest_value() -> None:
    chart = Chart("events", "이벤트 <초당>", "/s", {"bundler": [(T0, 1.0), (T0, 2.5)]})

    svg = line_svg(chart, T0, timedelta(hours=1), {"bundler": "합포<b>"})

    assert "<b>" not in svg and "합포&lt;b&gt;" in svg and "이벤트 &lt;초당&gt;" in svg
    assert "합포&lt;b&gt; 2.50" in svg
    assert "<polyline" in svg
