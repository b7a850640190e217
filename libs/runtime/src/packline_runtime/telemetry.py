"""Process-wide telemetry: traces (W3C context in Kafka headers), metrics for Prometheus, logs."""

import logging
import sys

from opentelemetry import metrics, trace
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

log = logging.getLogger(__name__)

TRACES_PATH = "/v1/traces"
FLUSH_TIMEOUT_MILLIS = 5_000

_configured = False
_tracer_provider: TracerProvider | None = None


def traces_endpoint(otlp_endpoint: str) -> str:
    """The OTLP/HTTP traces URL for a collector's base URL (`http://collector:4318`, as
    OTEL_EXPORTER_OTLP_ENDPOINT is given); a URL already ending in /v1/traces is kept."""
    base = otlp_endpoint.strip().rstrip("/")
    return base if base.endswith(TRACES_PATH) else base + TRACES_PATH


def setup_telemetry(service: str, *, otlp_endpoint: str = "", log_level: str = "INFO") -> None:
    """Call once per process, from the composition root, before anything is consumed."""
    global _configured, _tracer_provider
    if _configured:
        return
    _configured = True
    resource = Resource.create(
        {"service.name": f"packline-{service}", "service.namespace": "packline"}
    )
    tracer_provider = TracerProvider(resource=resource)
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        # headers, compression, timeout and TLS files come from the standard
        # OTEL_EXPORTER_OTLP_TRACES_* variables, which the exporter reads itself
        tracer_provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=traces_endpoint(otlp_endpoint)))
        )
    trace.set_tracer_provider(tracer_provider)
    _tracer_provider = tracer_provider
    metrics.set_meter_provider(
        MeterProvider(resource=resource, metric_readers=[PrometheusMetricReader()])
    )
    logging.basicConfig(
        level=log_level.upper(),
        stream=sys.stderr,
        format=f"%(asctime)s {service} %(levelname)s %(name)s: %(message)s",
    )
    # aiokafka reports every rebalance step at INFO; keep the service's own lines readable
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    if otlp_endpoint:
        log.info("%s: exporting traces to %s", service, traces_endpoint(otlp_endpoint))


def flush_telemetry() -> None:
    """Send the spans still queued for export. Called when the service shuts down: uvicorn
    re-raises SIGTERM after a graceful shutdown, so the SDK's exit hook never runs and the
    batch processor's queue would be lost."""
    if _tracer_provider is not None and not _tracer_provider.force_flush(FLUSH_TIMEOUT_MILLIS):
        log.warning("spans not exported within %d ms of shutdown", FLUSH_TIMEOUT_MILLIS)
