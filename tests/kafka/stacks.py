"""The Packline stack on an Apache Kafka cluster of the suite, with idempotent relays."""

from collections.abc import Iterator
from pathlib import Path

from packline_launcher.kafka_cluster import KafkaCluster
from packline_launcher.stack import Stack


def stack_on(
    cluster: KafkaCluster,
    workdir: Path,
    env: dict[str, str],
    *,
    replicas: int,
    replication: int = 1,
) -> Iterator[Stack]:
    """Started, yielded, and stopped whatever the test did (`yield from` in a fixture)."""
    env = {
        **env,
        "PACKLINE_KAFKA_BOOTSTRAP": cluster.bootstrap,
        "PACKLINE_KAFKA_IDEMPOTENCE": "true",
    }
    stack = Stack(workdir, replicas=replicas, fresh=True, replication=replication, env=env)
    stack.start()
    try:
        yield stack
    finally:
        stack.stop()
