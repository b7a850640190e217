"""Prometheus beside the embedded stack (`packline up --prometheus`): Debian's `prometheus`
binary with deploy/prometheus's config and rules, the stack's service processes as its targets
(written to a file_sd target file, since their ports are picked at start)."""

import json
import os
import shutil
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from packline_launcher.embedded import free_port, stop_process
from packline_launcher.processes import ServiceProcess, die_with_parent

# the repository's deploy/prometheus (libs/launcher/src/packline_launcher/ → the root)
CONFIG_DIR_ENV = "PACKLINE_PROMETHEUS_CONFIG_DIR"
MISSING = (
    "prometheus is not on PATH: starting without it. Install Debian's prometheus package "
    "(apt-get install prometheus) to scrape the stack and evaluate deploy/prometheus's rules."
)


def config_dir() -> Path:
    found = os.environ.get(CONFIG_DIR_ENV)
    return Path(found) if found else Path(__file__).resolve().parents[4] / "deploy" / "prometheus"


def binary() -> str | None:
    return shutil.which("prometheus")


def targets(processes: Sequence[ServiceProcess]) -> list[dict[str, object]]:
    """file_sd entries: one per service process, labelled as the Kubernetes job labels pods."""
    return [
        {
            "targets": [f"127.0.0.1:{sp.port}"],
            "labels": {"component": sp.name, "replica": str(sp.index)},
        }
        for sp in processes
    ]


@dataclass
class PrometheusServer:
    """Not started until `start`; `scrape_seconds` replaces the config's 15 s scrape and
    evaluation interval (tests use 1 s)."""

    scrape_seconds: float = 15.0
    port: int = 0
    workdir: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, workdir: Path, processes: Sequence[ServiceProcess]) -> None:
        executable = binary()
        if executable is None:
            raise FileNotFoundError(MISSING)
        self.prepare(workdir, processes)
        self.port = self.port or free_port()
        self._spawn(executable, workdir)

    def prepare(self, workdir: Path, processes: Sequence[ServiceProcess]) -> None:
        """What Prometheus reads, in `workdir`: the rules, the config at `scrape_seconds`, and
        the target file; no binary needed."""
        source = config_dir()
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(workdir / "rules", ignore_errors=True)
        shutil.copytree(source / "rules", workdir / "rules")
        config = (source / "prometheus.yml").read_text()
        interval = f"{self.scrape_seconds:g}s"
        for key in ("scrape_interval", "evaluation_interval"):
            if config.count(f"{key}: 15s") != 1:
                raise ValueError(f"{source / 'prometheus.yml'}: expected one '{key}: 15s'")
            config = config.replace(f"{key}: 15s", f"{key}: {interval}")
        (workdir / "prometheus.yml").write_text(config)
        self.write_targets(processes)

    def _spawn(self, executable: str, workdir: Path) -> None:
        log = (workdir / "prometheus.log").open("ab")
        self.process = subprocess.Popen(
            [
                executable,
                f"--config.file={workdir / 'prometheus.yml'}",
                f"--storage.tsdb.path={workdir / 'data'}",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )
        log.close()
        self._wait_ready()

    def write_targets(self, processes: Sequence[ServiceProcess]) -> None:
        """(Re)write the target file; Prometheus notices the change by itself."""
        assert self.workdir is not None
        (self.workdir / "targets").mkdir(exist_ok=True)
        path = self.workdir / "targets" / "packline.json"
        partial = path.with_suffix(".tmp")  # renamed into place: never read half written
        partial.write_text(json.dumps(targets(processes), indent=2))
        partial.replace(path)

    def _wait_ready(self, timeout: float = 30.0) -> None:
        assert self.process is not None and self.workdir is not None
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                tail = (self.workdir / "prometheus.log").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"prometheus exited with {self.process.returncode}:\n{tail}")
            try:
                if httpx.get(f"{self.url}/-/ready", timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError(f"prometheus not ready after {timeout}s; see {self.workdir}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process, "prometheus", grace=10.0)
            self.process = None
