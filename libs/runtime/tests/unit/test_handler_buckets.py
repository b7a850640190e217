"""Handler time is exported in seconds with boundaries that tell a 3 ms batch from a 3 s one
(the SDK's default boundaries are for milliseconds)."""

from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from prometheus_client import REGISTRY, generate_latest

from packline_runtime import metrics


def test_a_fast_and_a_slow_batch_land_in_different_buckets() -> None:
    provider = MeterProvider(metric_readers=[PrometheusMetricReader()])
    try:
        histogram = provider.get_meter("packline").create_histogram(
            "packline_handler_seconds",
            unit="s",
            explicit_bucket_boundaries_advisory=metrics.HANDLER_BUCKETS,
        )
        histogram.record(0.003, {"service": "bucket-test"})
        histogram.record(3.0, {"service": "bucket-test"})
        lines = [
            line
            for line in generate_latest(REGISTRY).decode().splitlines()
            if line.startswith("packline_handler_seconds_bucket") and "bucket-test" in line
        ]
    finally:
        provider.shutdown()  # unregisters the reader's collector
    counts = {line.split('le="')[1].split('"')[0]: float(line.split()[-1]) for line in lines}
    assert (counts["0.0025"], counts["0.005"], counts["2.5"], counts["5"]) == (0, 1, 1, 2)
