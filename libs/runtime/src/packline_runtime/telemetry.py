"""Process-wide telemetry: traces (W3C context in Kafka headers), metrics for Prometheus, logs."""

import logging
import sys

from opentelemetry import metrics, trace
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

_configured = False


def setup_telemetry(service: str, *, otlp_endpoint: str = "", log_level: str = "INFO") -> None:
    """Call once per process, from the composition root, before anything is consumed."""
    global _configured
    if _configured:
        return
    _configured = True
    resource = Resource.create(
        {"service.name": f"packline-{service}", "service.namespace": "packline"}
    )
    tracer_provider = TracerProvider(resource=resource)
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        tracer_provider.add_span_processor(
            BatchSpanProcessor(OTLPSpanExporter(endpoint=f"{otlp_endpoint}/v1/traces"))
        )
    trace.set_tracer_provider(tracer_provider)
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
