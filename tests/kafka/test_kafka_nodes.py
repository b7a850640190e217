"""The Apache Kafka fixtures themselves: ready means a Metadata request names every node, and
stopping leaves no JVM and no listening port behind."""

import asyncio
import socket
from pathlib import Path

import pytest

from packline_launcher.apache_kafka import broker_ids
from packline_launcher.kafka_cluster import KafkaCluster

pytestmark = pytest.mark.kafka


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.parametrize("size", [1, 3])
def test_a_cluster_answers_metadata_for_every_node_and_stops_without_leftovers(
    kafka_jars: Path, tmp_path: Path, size: int
) -> None:
    cluster = KafkaCluster(tmp_path, kafka_jars, size)
    cluster.start()
    try:
        assert asyncio.run(broker_ids(cluster.bootstrap)) == set(range(1, size + 1))
        ports = [p for n in cluster.nodes for p in (n.port, n.controller_port)]
        assert all(_listening(p) for p in ports)
    finally:
        cluster.stop()
    assert [n.node_id for n in cluster.nodes if n.running] == []
    assert [p for p in ports if _listening(p)] == []
    for node in cluster.nodes:
        # 128 + SIGTERM: the JVM ran its shutdown hooks; a SIGKILL after the grace would be -9
        assert node.process is not None and node.process.returncode == 143, node.log_tail()
