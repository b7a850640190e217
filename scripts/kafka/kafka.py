"""Apache Kafka (KRaft) from Maven Central jars, on loopback, for tests and local runs.

    .venv/bin/python scripts/kafka/kafka.py fetch [--force]   # jars into ~/.cache/packline/
    .venv/bin/python scripts/kafka/kafka.py check [--nodes 3]  # start, Metadata request, stop
    .venv/bin/python scripts/kafka/kafka.py run [--nodes 3]    # until Ctrl-C; prints bootstrap

`make test` and `make test-kafka` run `fetch` first when java and mvn are on PATH.
"""

import argparse
import logging
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

from packline_launcher.kafka_cluster import KafkaCluster
from packline_launcher.kafka_jars import ensure_jars, kafka_version, missing_tools

POM = Path(__file__).resolve().parent / "pom.xml"


def fetch(args: argparse.Namespace) -> int:
    started = time.monotonic()
    libs = ensure_jars(POM, force=args.force)
    jars = len(list(libs.glob("*.jar")))
    took = time.monotonic() - started
    print(f"kafka {kafka_version(POM)}: {jars} jars in {libs} ({took:.1f}s)", flush=True)
    return 0


def check(args: argparse.Namespace) -> int:
    """Start, prove readiness with a Metadata request, stop, and prove no JVM is left."""
    libs = ensure_jars(POM)
    with tempfile.TemporaryDirectory(prefix="packline-kafka-") as workdir:
        started = time.monotonic()
        cluster = KafkaCluster(Path(workdir), libs, args.nodes)
        cluster.start()
        ready = time.monotonic() - started
        cluster.stop()
    left = [node.node_id for node in cluster.nodes if node.running]
    print(
        f"kafka {args.nodes} node(s) at {cluster.bootstrap}: ready in {ready:.1f}s, "
        f"stopped in {time.monotonic() - started - ready:.1f}s",
        flush=True,
    )
    if left:
        print(f"nodes {left} still running", file=sys.stderr)
        return 1
    return 0


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run(args: argparse.Namespace) -> int:
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="packline-kafka-"))
    cluster = KafkaCluster(workdir, ensure_jars(POM), args.nodes)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _interrupt)
    try:
        cluster.start()
        print(f"PACKLINE_KAFKA_BOOTSTRAP={cluster.bootstrap}", flush=True)
        print(f"logs under {workdir}; press Ctrl-C to stop", flush=True)
        while all(node.running for node in cluster.nodes):
            time.sleep(1.0)
        print(f"a node exited:\n{cluster.logs()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    fetch_cmd = commands.add_parser("fetch", help="copy the broker jars into the cache")
    fetch_cmd.add_argument("--force", action="store_true", help="refill even if cached")
    fetch_cmd.set_defaults(handler=fetch)
    for name, handler in (("check", check), ("run", run)):
        cmd = commands.add_parser(name)
        cmd.add_argument("--nodes", type=int, default=1)
        cmd.set_defaults(handler=handler)
    commands.choices["run"].add_argument("--workdir", help="node folders (default: a temp dir)")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(
            f"Apache Kafka needs {' and '.join(missing)} on PATH (Java 17+, Maven)", file=sys.stderr
        )
        return 2
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
