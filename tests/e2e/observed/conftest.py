"""One stack for the two observability tests (each used to start its own: ~85 s and ~130 s of
start-up on two cores). Its services export traces to an OTLP receiver and a real Prometheus
scrapes them every second. test_prometheus.py runs first (pytest takes the modules by name) and
leaves the stack up; test_traces.py stops it to see what the shutdown flush sends.

Nothing reaches the receiver before the stop: the batch span processor waits ten minutes between
exports, and its queue and batch are larger than the spans both tests cause (the size-triggered
export never fires), so every span arrives through the flush at shutdown, which the traces test
asserts. The two tests act for different sellers and read only their own rows and records."""

import shutil
from collections.abc import Iterator

import pytest

from packline_launcher.prometheus import PrometheusServer
from packline_launcher.stack import Stack

from ..otlp_receiver import OtlpReceiver

MISSING = (
    "PROMETHEUS NOT INSTALLED: the Prometheus integration test needs Debian's "
    "`prometheus` package (apt-get install prometheus); .ci/run installs it"
)
SPANS_HELD = (
    "16384"  # per process; the traces test's order and the Prometheus test's 40 need far fewer
)


@pytest.fixture(scope="package")
def receiver() -> Iterator[OtlpReceiver]:
    with OtlpReceiver() as r:
        yield r


@pytest.fixture(scope="package")
def observed_stack(
    tmp_path_factory: pytest.TempPathFactory, receiver: OtlpReceiver
) -> Iterator[Stack]:
    env = {
        "PACKLINE_OTLP_ENDPOINT": receiver.endpoint,
        "PACKLINE_BUNDLE_HOLD_SECONDS": "1",
        # nothing leaves on the processor's schedule nor because a batch filled up: what
        # arrives came with the shutdown flush
        "OTEL_BSP_SCHEDULE_DELAY": "600000",
        "OTEL_BSP_MAX_QUEUE_SIZE": SPANS_HELD,
        "OTEL_BSP_MAX_EXPORT_BATCH_SIZE": SPANS_HELD,
    }
    scraping = PrometheusServer(scrape_seconds=1) if shutil.which("prometheus") else None
    s = Stack(
        tmp_path_factory.mktemp("observed"), replicas=1, fresh=True, env=env, prometheus=scraping
    )
    s.start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture
def prometheus_stack(request: pytest.FixtureRequest) -> Stack:
    """The shared stack with its Prometheus; skipped (before any stack starts) without one."""
    if shutil.which("prometheus") is None:
        pytest.skip(MISSING)
    stack: Stack = request.getfixturevalue("observed_stack")
    assert stack.prometheus is not None and stack.prometheus.process is not None, (
        "the shared stack is not scraped: test_traces.py stopped it before this ran?"
    )
    return stack
