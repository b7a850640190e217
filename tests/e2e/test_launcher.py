"""`packline up` starts everything on loopback and Ctrl-C leaves no process behind."""

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import jsonschema
import psutil
import pytest

from packline_contracts import Shipped
from packline_contracts.schema_files import schema_path

pytestmark = pytest.mark.e2e
PACKLINE = Path(sys.executable).parent / "packline"
SHIPPED_SCHEMA = schema_path(Shipped)  # the version the code writes


def _started_by(data_dir: Path, ports: list[str]) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter(["cmdline", "status"]):
        if proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        cmd = " ".join(proc.info["cmdline"] or [])
        if (
            str(data_dir) in cmd
            or any(f"127.0.0.1:{p}" in cmd for p in ports)
            or ("packline_" in cmd and "-m" in cmd and proc.ppid() == 1)
        ):
            found.append(proc)
    return found


def token(data_dir: Path, seller: str) -> str:
    """What a person types for curl: `packline token --seller X` against the running stack."""
    printed = subprocess.run(
        [str(PACKLINE), "token", "--data-dir", str(data_dir), "--seller", seller],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return printed.stdout.strip()


def ship_one_order(urls: dict[str, str], data_dir: Path) -> None:
    from packline_launcher import sample_orders

    assert httpx.get(f"{urls['shipper']}/parcels", timeout=5).status_code == 401
    headers = {"Authorization": f"Bearer {token(data_dir, 's-up')}"}
    http = httpx.Client(timeout=30, headers=headers)
    order = sample_orders.generate(1, seller_id="s-up")[0]
    listings = tuple(
        sample_orders.find_listing(li["listing_id"], li["option_id"]) for li in order["lines"]
    )
    catalogue = sample_orders.catalogue_body("s-up")
    http.post(f"{urls['matcher']}/catalogue", json=catalogue).raise_for_status()
    for body in sample_orders.mapping_bodies("s-up", listings, [order["marketplace"]]):
        http.post(f"{urls['matcher']}/mappings", json=body).raise_for_status()
    stock = [{"sku": s, "on_hand": q} for s, q in sample_orders.demand([order]).items()]
    http.put(
        f"{urls['allocator']}/stock", json={"seller_id": "s-up", "items": stock}
    ).raise_for_status()
    http.post(f"{urls['collector']}/orders", json=order).raise_for_status()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        http.post(f"{urls['bundler']}/bundles/seal", json={"seller_id": "s-up"}).raise_for_status()
        ready = http.get(f"{urls['shipper']}/parcels?status=READY").json()["items"]
        if ready:
            http.post(
                f"{urls['shipper']}/scan",
                json={
                    "seller_id": "s-up",
                    "tracking_numbers": [p["tracking_number"] for p in ready],
                    "scanned_by": "test",
                },
            ).raise_for_status()
            return
        time.sleep(0.5)
    raise AssertionError("the order never reached the shipper")


def test_up_serves_every_stage_and_ctrl_c_stops_everything(tmp_path: Path) -> None:
    up = subprocess.Popen(
        [str(PACKLINE), "up", "--fresh", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines: list[str] = []
        assert up.stdout is not None
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = up.stdout.readline()
            lines.append(line)
            if "press Ctrl-C" in line or up.poll() is not None:
                break
        output = "".join(lines)
        assert "press Ctrl-C" in output, output
        urls = dict(re.findall(r"^(\w+)-0\s+(http://127\.0\.0\.1:\d+)", output, re.M))
        assert set(urls) == {"collector", "matcher", "bundler", "allocator", "waybill", "shipper"}
        broker_port = re.search(r"^broker\s+127\.0\.0\.1:(\d+)", output, re.M).group(1)  # type: ignore[union-attr]
        for url in urls.values():
            assert httpx.get(f"{url}/health/ready", timeout=5).json()["status"] == "ok"
        couriersim = re.search(r"^couriersim\s+(http://127\.0\.0\.1:(\d+))", output, re.M)
        assert couriersim is not None, output
        assert httpx.get(f"{couriersim.group(1)}/health", timeout=5).json() == {"status": "ok"}

        assert f"packline token --data-dir {tmp_path}" in output
        ship_one_order(urls, tmp_path)
        # the Shipped topic is readable with an ordinary client and matches its committed schema
        reader = subprocess.run(
            [
                str(PACKLINE),
                "read",
                "shipped",
                "--bootstrap",
                f"127.0.0.1:{broker_port}",
                "--idle",
                "1",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        schema = json.loads(SHIPPED_SCHEMA.read_text(encoding="utf-8"))
        shipped = reader.stdout.splitlines()
        assert len(shipped) == 1, reader.stderr
        for line in shipped:
            jsonschema.validate(json.loads(line), schema)

        metrics = httpx.get(f"{urls['allocator']}/metrics", timeout=5).text
        for name in ("packline_events_in", "packline_handler_seconds", "packline_outbox_published"):
            assert name in metrics, name
        ports = [broker_port, *(u.rsplit(":", 1)[1] for u in urls.values())]
        assert _started_by(tmp_path, ports), "the check below must be able to see the processes"
    except BaseException:
        up.send_signal(signal.SIGINT)  # a failed check must not leave the stack running
        try:
            up.wait(120)
        except subprocess.TimeoutExpired:
            up.kill()
            up.wait(10)
        raise
    up.send_signal(signal.SIGINT)
    up.wait(60)
    assert "stopped" in up.stdout.read()
    deadline = time.monotonic() + 15
    while _started_by(tmp_path, ports) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _started_by(tmp_path, ports) == []
    with pytest.raises(httpx.ConnectError):  # the courier simulator stopped with the rest
        httpx.get(f"{couriersim.group(1)}/health", timeout=5)
