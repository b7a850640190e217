"""The chaos run (tests/e2e/chaos.py) on a single-node Apache Kafka with idempotent relays: every
service SIGKILLed once, PostgreSQL killed, and the Kafka node SIGKILLed and restarted (its log
survives, unlike the embedded broker's)."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from packline_launcher.kafka_cluster import KafkaCluster
from packline_launcher.stack import Stack
from tests.e2e.chaos import STACK_ENV, faults, run_chaos
from tests.kafka.stacks import stack_on

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def stack(apache_kafka: KafkaCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    workdir = Path(tmp_path_factory.mktemp("chaos-kafka"))
    yield from stack_on(apache_kafka, workdir, STACK_ENV, replicas=1)


def test_chaos_on_apache_kafka_ships_waits_or_cancels_every_order_exactly_once(
    apache_kafka: KafkaCluster, stack: Stack
) -> None:
    def restart_kafka() -> str:
        apache_kafka.kill(1)
        apache_kafka.restart(1)
        return "broker"

    run_chaos(stack, faults(stack, restart_kafka))
