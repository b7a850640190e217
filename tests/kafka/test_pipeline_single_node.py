"""The end-to-end scenario (tests/e2e/scenario.py) on a single-node Apache Kafka, with the
relay's idempotent producer on: the same services, only PACKLINE_KAFKA_BOOTSTRAP differs."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from packline_launcher.kafka_cluster import KafkaCluster
from packline_launcher.stack import Stack
from tests.e2e.scenario import STACK_ENV, run_pipeline
from tests.kafka.stacks import stack_on

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def stack(apache_kafka: KafkaCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = Path(tmp_path_factory.mktemp("e2e-kafka-1"))
    yield from stack_on(apache_kafka, workdir, STACK_ENV, replicas=2)


def test_a_thousand_orders_ship_exactly_once_on_apache_kafka_with_idempotent_relays(
    apache_kafka: KafkaCluster, stack: Stack
) -> None:
    assert stack.broker is None, "the embedded broker must not start when a bootstrap is given"
    assert stack.kafka_bootstrap == apache_kafka.bootstrap
    run_pipeline(stack)
