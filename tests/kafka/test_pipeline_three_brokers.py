"""The end-to-end scenario on a three-node Apache Kafka cluster, topics replicated three times
with min.insync.replicas 2, and a broker SIGKILLed mid-run: nothing lost, nothing shipped twice."""

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from packline_contracts import Topic
from packline_launcher.kafka_cluster import KafkaCluster
from packline_launcher.stack import Stack
from tests.e2e.scenario import STACK_ENV, run_pipeline
from tests.kafka.stacks import stack_on

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def stack(
    apache_kafka_cluster: KafkaCluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    workdir = Path(tmp_path_factory.mktemp("e2e-kafka-3"))
    yield from stack_on(apache_kafka_cluster, workdir, STACK_ENV, replicas=2, replication=3)


async def _describe(bootstrap: str) -> tuple[list[Any], dict[str, str]]:
    """Every Packline topic's partitions, and each topic's min.insync.replicas."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = await admin.describe_topics([t.value for t in Topic])
        resources = [ConfigResource(ConfigResourceType.TOPIC, t.value) for t in Topic]
        min_isr: dict[str, str] = {}
        for response in await admin.describe_configs(resources):
            for _err, _msg, _type, name, entries in response.resources:
                for entry in entries:
                    if entry[0] == "min.insync.replicas":
                        min_isr[name] = entry[1]
        return topics, min_isr
    finally:
        await admin.close()


def test_a_thousand_orders_ship_exactly_once_on_three_brokers_when_one_is_killed(
    apache_kafka_cluster: KafkaCluster, stack: Stack
) -> None:
    topics, min_isr = asyncio.run(_describe(stack.kafka_bootstrap))
    assert {t["topic"] for t in topics} == {t.value for t in Topic}
    assert all(len(p["replicas"]) == 3 for t in topics for p in t["partitions"])
    assert min_isr == {t.value: "2" for t in Topic}
    # the node leading a partition the first stage reads: its loss is felt at once
    collected = next(t for t in topics if t["topic"] == Topic.ORDER_COLLECTED.value)
    victim = next(p["leader"] for p in collected["partitions"] if p["partition"] == 0)

    def lose_a_broker(part: int) -> None:
        if part == 1:  # SIGKILL: no controlled shutdown, no flush; it stays down to the end
            apache_kafka_cluster.kill(victim)

    run_pipeline(stack, during_import=lose_a_broker)
    assert not apache_kafka_cluster.node(victim).running, "the rest ran on two brokers"
