"""The Kafka clients a service builds from its settings, against a real broker."""

import socket

from packline_runtime.kafka import make_broker
from packline_runtime.settings import Settings


async def test_a_bootstrap_list_with_one_dead_host_still_connects(kafka_bootstrap: str) -> None:
    # the production form, several brokers comma-separated, with one of them down: a bound
    # socket that never listens refuses connections
    with socket.socket() as dead:
        dead.bind(("127.0.0.1", 0))
        dead_host = f"127.0.0.1:{dead.getsockname()[1]}"
        settings = Settings(kafka_bootstrap=f"{dead_host},{kafka_bootstrap.split(',')[0]}")
        broker = make_broker(settings, "test")
        try:
            await broker.start()
            assert await broker.ping(timeout=10)
        finally:
            await broker.stop()
