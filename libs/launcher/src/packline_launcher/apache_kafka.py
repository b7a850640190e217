"""Apache Kafka in KRaft mode on loopback: one JVM per node, each with its own ports and folder.

Every node is broker and controller at once (combined mode), so one node is a whole cluster
and three nodes are a three-voter quorum. Internal topics (__consumer_offsets, transaction and
share state) get the replication the cluster can give and min.insync.replicas is 2 from two
nodes on: on three nodes an acks=all write survives losing any one node, and writes go on.
"""

import base64
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from aiokafka.client import AIOKafkaClient

from packline_launcher.embedded import free_port
from packline_launcher.processes import die_with_parent

LOG4J2 = """rootLogger.level = INFO
rootLogger.appenderRef.out.ref = out
appender.out.type = Console
appender.out.name = out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
logger.request.name = kafka.request.logger
logger.request.level = WARN
"""
# C1 only and the serial collector: brokers here share two cores with a dozen service processes.
JVM_OPTIONS = ("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData")


def cluster_id() -> str:
    """A Kafka cluster id: 16 random bytes, URL-safe base64 without padding, not starting '-'."""
    while True:
        text = base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode()
        if not text.startswith("-"):
            return text


@dataclass
class KafkaNode:
    node_id: int
    workdir: Path
    port: int = field(default_factory=free_port)
    controller_port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "broker.log"

    @property
    def config_path(self) -> Path:
        return self.workdir / "server.properties"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def write_config(self, voters: str, size: int) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        min_isr = min(2, size)
        settings = {
            "process.roles": "broker,controller",
            "node.id": self.node_id,
            "controller.quorum.voters": voters,
            "listeners": f"PLAINTEXT://{self.bootstrap},CONTROLLER://127.0.0.1:{self.controller_port}",
            "advertised.listeners": f"PLAINTEXT://{self.bootstrap}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": self.workdir / "data",
            "auto.create.topics.enable": "false",  # the launcher creates every topic it uses
            "default.replication.factor": size,
            "min.insync.replicas": min_isr,
            "offsets.topic.replication.factor": size,
            "offsets.topic.num.partitions": 10,  # 50 by default: slow to create on two cores
            "transaction.state.log.replication.factor": size,
            "transaction.state.log.min.isr": min_isr,
            "share.coordinator.state.topic.replication.factor": size,
            "share.coordinator.state.topic.min.isr": min_isr,
            "group.initial.rebalance.delay.ms": 0,
        }
        lines = [f"{key}={value}" for key, value in settings.items()]
        self.config_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        (self.workdir / "log4j2.properties").write_text(LOG4J2, encoding="utf-8")

    def java(self, jars: Path, heap: str, main: str, *args: str) -> list[str]:
        return [
            "java",
            f"-Xmx{heap}",
            *JVM_OPTIONS,
            f"-Dlog4j2.configurationFile={self.workdir / 'log4j2.properties'}",
            "-cp",
            f"{jars}/*",
            main,
            *args,
        ]

    def format(self, jars: Path, heap: str, cluster: str) -> None:
        """`kafka-storage format`: writes meta.properties and the bootstrap metadata."""
        command = self.java(jars, heap, "kafka.tools.StorageTool", "format")
        command += ["-t", cluster, "-c", str(self.config_path)]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"formatting node {self.node_id} failed:\n{result.stdout[-3000:]}")

    def start(self, jars: Path, heap: str) -> None:
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                self.java(jars, heap, "kafka.Kafka", str(self.config_path)),
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                preexec_fn=die_with_parent,
            )

    def log_tail(self, chars: int = 4000) -> str:
        if not self.log_path.exists():
            return "(no log)"
        return self.log_path.read_text(errors="replace")[-chars:]


async def broker_ids(bootstrap: str) -> set[int]:
    """The brokers a real Metadata request reports as registered with the cluster."""
    client = AIOKafkaClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await client.bootstrap()
        metadata = await client.fetch_all_metadata()
        return {broker.nodeId for broker in metadata.brokers()}
    finally:
        await client.close()
