"""The reachability gauge holds what the last check found per dependency; the overdue gauge
counts seconds past a sampled deadline, 0 before it and when nothing waits; the alerting
counters are exported at 0 from the start."""

from datetime import UTC, datetime, timedelta

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from prometheus_client import REGISTRY, generate_latest

from packline_runtime import metrics

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_the_last_check_of_each_dependency_wins() -> None:
    metrics.note_dependency("unit-deps", "broker", True)
    metrics.note_dependency("unit-deps", "database", True)
    metrics.note_dependency("unit-deps", "database", False)
    try:
        found = {
            labels[1][1]: up
            for labels, up in metrics.DEPENDENCY_UP.items()
            if labels[0] == ("service", "unit-deps")
        }
    finally:
        for dependency in ("broker", "database"):
            del metrics.DEPENDENCY_UP[(("service", "unit-deps"), ("dependency", dependency))]
    assert found == {"broker": 1.0, "database": 0.0}


def test_overdue_seconds_start_when_the_deadline_passes() -> None:
    passed = (("service", "unit-overdue"), ("deadline", "passed"))
    coming = (("service", "unit-overdue"), ("deadline", "coming"))
    nothing = (("service", "unit-overdue"), ("deadline", "nothing"))
    metrics.DEADLINES[passed] = NOW - timedelta(minutes=5)
    metrics.DEADLINES[coming] = NOW + timedelta(minutes=5)
    metrics.DEADLINES[nothing] = None
    try:
        ages = {
            labels["deadline"]: age
            for labels, age in metrics.overdue_ages(NOW)
            if labels["service"] == "unit-overdue"
        }
    finally:
        del metrics.DEADLINES[passed], metrics.DEADLINES[coming], metrics.DEADLINES[nothing]
    assert ages == {"passed": 300.0, "coming": 0.0, "nothing": 0.0}


def test_a_counter_added_zero_is_exported_at_zero() -> None:
    # what start_counters does for dead letters: the series exists before the first one
    provider = MeterProvider(metric_readers=[PrometheusMetricReader()])
    try:
        counter = provider.get_meter("packline").create_counter("packline_dead_letters", unit="1")
        counter.add(0, {"service": "unit-zero"})
        lines = [
            line
            for line in generate_latest(REGISTRY).decode().splitlines()
            if line.startswith("packline_dead_letters_total") and "unit-zero" in line
        ]
    finally:
        provider.shutdown()
    assert len(lines) == 1 and float(lines[0].split()[-1]) == 0.0
