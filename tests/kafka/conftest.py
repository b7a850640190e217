"""Apache Kafka for this folder's tests: broker jars from Maven Central (cached after the first
run), KRaft nodes on loopback, one JVM each. Needs java (17+) and mvn on PATH, else skipped."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from packline_launcher.kafka_cluster import KafkaCluster
from packline_launcher.kafka_jars import ensure_jars, missing_tools

POM = Path(__file__).resolve().parents[2] / "scripts" / "kafka" / "pom.xml"
CLUSTER_FIXTURES = ("apache_kafka", "apache_kafka_cluster")


@pytest.fixture(scope="session")
def kafka_jars() -> Path:
    missing = missing_tools()
    if missing:
        pytest.skip(
            f"Apache Kafka tests skipped: {' and '.join(missing)} not on PATH "
            "(they need Java 17+ and Maven; `make test` deselects them then)"
        )
    return ensure_jars(POM)


def _run_cluster(workdir: Path, jars: Path, size: int) -> Iterator[KafkaCluster]:
    cluster = KafkaCluster(workdir, jars, size)
    cluster.start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="module")
def apache_kafka(
    kafka_jars: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KafkaCluster]:
    """One node, broker and controller at once; internal topics with replication 1."""
    yield from _run_cluster(tmp_path_factory.mktemp("kafka-1"), kafka_jars, 1)


@pytest.fixture(scope="module")
def apache_kafka_cluster(
    kafka_jars: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KafkaCluster]:
    """Three nodes, each broker and controller (a three-voter quorum); internal topics with
    replication 3, min.insync.replicas 2."""
    yield from _run_cluster(tmp_path_factory.mktemp("kafka-3"), kafka_jars, 3)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """A failed test shows the tail of every broker's log next to its own output."""
    report = yield
    if report.failed:
        funcargs = getattr(item, "funcargs", {})
        for name in CLUSTER_FIXTURES:
            cluster = funcargs.get(name)
            if isinstance(cluster, KafkaCluster):
                report.sections.append((f"Apache Kafka logs ({name})", cluster.logs()))
    return report
