"""Both simulators run as their own processes, as `packline up` starts them, and the waybill
service is told where the courier's API is."""

from pathlib import Path

import httpx

from packline_launcher.simulator import COURIERS, MARKETPLACES, SimulatorProcess
from packline_launcher.stack import Stack


def test_the_courier_simulator_starts_answers_and_stops(tmp_path: Path) -> None:
    courier = SimulatorProcess(COURIERS, tmp_path / "couriersim.log")
    courier.start()
    try:
        assert httpx.get(f"{courier.url}/health", timeout=5).json() == {"status": "ok"}
        made = httpx.post(f"{courier.url}/_sim/accounts", json={"courier": "HANJIN"}, timeout=5)
        assert made.status_code == 201
        process = courier.process
        assert process is not None
    finally:
        courier.stop()
    assert process.poll() is not None
    assert "couriersim listening" in (tmp_path / "couriersim.log").read_text()


def test_only_the_waybill_service_gets_the_courier_api_url(tmp_path: Path) -> None:
    stack = Stack(tmp_path)
    stack.database_url = "postgresql://admin@127.0.0.1:5432/packline"
    stack.marketsim = SimulatorProcess(MARKETPLACES, tmp_path / "m.log", port=18290)
    stack.couriersim = SimulatorProcess(COURIERS, tmp_path / "c.log", port=18291)
    assert stack.child_env(0, "waybill")["PACKLINE_COURIER_API_URL"] == "http://127.0.0.1:18291"
    assert "PACKLINE_COURIER_API_URL" not in stack.child_env(0, "collector")
