"""Where spans are sent, and what a failed batch's span keeps of its exception."""

from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import StatusCode

from packline_contracts import ConsumerGroup, OrderCollected, Topic
from packline_runtime import consumer
from packline_runtime.telemetry import traces_endpoint


@pytest.mark.parametrize(
    "setting",
    [
        "http://otel-collector:4318",
        "http://otel-collector:4318/",
        " http://otel-collector:4318/v1/traces ",
        "http://otel-collector:4318/v1/traces/",
    ],
)
def test_a_collector_base_url_or_its_traces_url_both_send_to_v1_traces(setting: str) -> None:
    assert traces_endpoint(setting) == "http://otel-collector:4318/v1/traces"


async def test_a_failed_batch_span_names_the_exception_type_but_not_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exported = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exported))
    monkeypatch.setattr(consumer, "tracer", provider.get_tracer("test"))
    monkeypatch.setattr(consumer.asyncio, "sleep", _no_wait)

    def pool() -> Any:  # the database refuses, quoting what it was given
        raise OSError("connection lost while writing 부산광역시 해운대구 추적로 731")

    async def handle(*_: Any) -> None:
        raise AssertionError("nothing reaches the handler")

    subscription = consumer.Subscription(
        ConsumerGroup.MATCHER, (Topic.ORDER_COLLECTED,), (OrderCollected,), handle, "test"
    )
    with pytest.raises(OSError):
        await consumer.BatchConsumer(pool, "matcher", subscription).process([])
    [span] = exported.get_finished_spans()
    assert (span.name, span.status.status_code) == ("matcher consume", StatusCode.ERROR)
    assert span.status.description == "OSError"
    assert list(span.events) == []  # no exception event with its message
    provider.shutdown()


async def _no_wait(_: float) -> None:
    return None
