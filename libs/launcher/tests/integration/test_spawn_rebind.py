"""A service whose port was taken between the pick and the bind is started again elsewhere."""

import socket
from pathlib import Path

from packline_launcher.embedded import free_port
from packline_launcher.stack import Stack


def test_a_service_that_could_not_bind_its_port_is_spawned_again_on_another(
    tmp_path: Path, database_url: str, kafka_bootstrap: str
) -> None:
    stack = Stack(tmp_path, env={"PACKLINE_KAFKA_SESSION_TIMEOUT_MS": "6000"})
    stack.kafka_bootstrap, stack.database_url = kafka_bootstrap, database_url
    (tmp_path / "logs").mkdir()
    stack._migrate("waybill")
    with socket.socket() as squatter:
        busy = free_port()
        squatter.bind(("127.0.0.1", busy))
        squatter.listen()
        try:
            stack.processes.append(stack._spawn("waybill", 0, busy))
            stack.wait_ready(list(stack.processes))
            [sp] = stack.processes
            assert sp.port != busy
            assert "address already in use" in sp.log_path.read_text()
        finally:
            stack.stop()
