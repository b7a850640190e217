"""A KRaft cluster of Apache Kafka nodes on loopback, for tests and `scripts/kafka/kafka.py run`.

Started means every live node answers in a real Metadata request; stopped means no JVM is left.
"""

import asyncio
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from packline_launcher.apache_kafka import KafkaNode, broker_ids, cluster_id
from packline_launcher.embedded import stop_process


class KafkaCluster:
    def __init__(self, workdir: Path, jars: Path, size: int = 1, heap: str = "512m") -> None:
        self.workdir = workdir
        self.jars = jars
        self.heap = heap
        self.nodes = [KafkaNode(i, workdir / f"node-{i}") for i in range(1, size + 1)]
        self.killed: set[int] = set()

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    def node(self, node_id: int) -> KafkaNode:
        return next(node for node in self.nodes if node.node_id == node_id)

    def start(self, timeout: float = 120.0) -> None:
        voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in self.nodes)
        cluster = cluster_id()
        try:
            for node in self.nodes:
                node.write_config(voters, len(self.nodes))
            with ThreadPoolExecutor(len(self.nodes)) as pool:
                list(pool.map(lambda n: n.format(self.jars, self.heap, cluster), self.nodes))
            for node in self.nodes:
                node.start(self.jars, self.heap)
            self.wait_ready(timeout)
        except BaseException:
            self.stop()
            raise

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Until every node not killed on purpose is a registered broker (real Metadata request)."""
        deadline = time.monotonic() + timeout
        wanted = [node for node in self.nodes if node.node_id not in self.killed]
        seen: set[int] = set()
        while True:
            exited = [node.node_id for node in wanted if not node.running]
            if exited:
                raise RuntimeError(f"Kafka nodes {exited} exited:\n{self.logs()}")
            try:
                if all(_listening(node.port) for node in wanted):  # spares the client's noise
                    seen = asyncio.run(broker_ids(",".join(node.bootstrap for node in wanted)))
            except Exception:  # no metadata yet: ask again
                seen = set()
            if {node.node_id for node in wanted} <= seen:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"Kafka nodes {[n.node_id for n in wanted]} not all registered after "
                    f"{timeout:.0f}s (seen {sorted(seen)}):\n{self.logs()}"
                )
            time.sleep(0.3)

    def kill(self, node_id: int) -> None:
        """SIGKILL, as a crashed machine: no controlled shutdown, no flush."""
        node = self.node(node_id)
        assert node.process is not None
        node.process.kill()
        node.process.wait(10)
        self.killed.add(node_id)

    def restart(self, node_id: int, timeout: float = 120.0) -> None:
        node = self.node(node_id)
        node.start(self.jars, self.heap)
        self.killed.discard(node_id)
        self.wait_ready(timeout)

    def stop(self) -> None:
        """SIGTERM every node at once (a lone survivor would wait for a lost quorum), then wait."""
        running = [node for node in self.nodes if node.running]
        for node in running:
            assert node.process is not None
            node.process.terminate()
        for node in running:
            assert node.process is not None
            stop_process(node.process, f"kafka-{node.node_id}", grace=30.0)

    def logs(self, chars: int = 4000) -> str:
        return "\n".join(
            f"--- kafka node {n.node_id} ({n.log_path}) ---\n{n.log_tail(chars)}"
            for n in self.nodes
        )


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False
